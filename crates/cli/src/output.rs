//! Printing: readable tables in the user's language, or JSON with `--json`. The JSON shapes are
//! the CLI's own DTOs (built here, from the API's views).

use comfy_table::{Cell, Table, presets::UTF8_FULL_CONDENSED};
use indsats_api::core::Lang;
use indsats_api::core::event::ProgressEvent;
use indsats_api::core::ladder::STEP_LABELS;
use indsats_api::core::model::*;
use indsats_api::demo::DemoSummary;
use indsats_api::*;
use serde_json::{Value, json};

pub struct Out {
    json: bool,
    lang: Lang,
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_header(header.iter().map(Cell::new));
    t
}

fn iso(d: Option<chrono::NaiveDate>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.format("%Y-%m-%d").to_string()))
}

fn num(v: f64, lang: Lang) -> String {
    let s = if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") };
    if lang == Lang::Da { s.replace('.', ",") } else { s }
}

impl Out {
    pub fn new(json: bool, lang: Lang) -> Self {
        Self { json, lang }
    }

    fn t<'a>(&self, da: &'a str, en: &'a str) -> &'a str {
        if self.lang == Lang::Da { da } else { en }
    }

    fn date(&self, d: Option<chrono::NaiveDate>) -> String {
        d.map(|d| self.lang.date(d)).unwrap_or_default()
    }

    fn print(&self, v: Value) {
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    }

    pub fn report_written(&self, path: &std::path::Path, s: &indsats_api::Summary) {
        if self.json {
            self.print(json!({
                "ok": true,
                "file": path.display().to_string(),
                "period": s.period.to_string(),
                "snapshot": s.provenance.snapshot,
                "suppressed": {"primary": s.suppressed.0, "complementary": s.suppressed.1},
            }));
        } else {
            println!(
                "{}",
                self.t(
                    &format!(
                        "Rapporten for {} er gemt i {}.\nDatafingeraftryk: {}\nSkjult af hensyn til diskretion: {} celler (+ {} for at de ikke kan regnes ud).",
                        s.period,
                        path.display(),
                        s.provenance.snapshot,
                        s.suppressed.0,
                        s.suppressed.1
                    ),
                    &format!(
                        "The report for {} is saved in {}.\nData snapshot: {}\nHidden for confidentiality: {} cells (+ {} so that they cannot be worked out).",
                        s.period,
                        path.display(),
                        s.provenance.snapshot,
                        s.suppressed.0,
                        s.suppressed.1
                    ),
                )
            );
        }
    }

    pub fn verified(&self, file: &std::path::Path, p: &indsats_api::summary::Params, snapshot: &str, unchanged: bool, now: &str) {
        if self.json {
            self.print(json!({
                "file": file.display().to_string(),
                "period": p.period.to_string(),
                "as_of": p.as_of.to_string(),
                "threshold": p.threshold,
                "snapshot": snapshot,
                "current_snapshot": now,
                "unchanged": unchanged,
            }));
        } else if unchanged {
            println!(
                "{}",
                self.t(
                    &format!("Uændret: data bag rapporten for {} (opgjort {}) er de samme som nu ({snapshot}).", p.period, p.as_of),
                    &format!("Unchanged: the data behind the report for {} (as of {}) is the same as now ({snapshot}).", p.period, p.as_of),
                )
            );
        } else {
            println!(
                "{}",
                self.t(
                    &format!("Ændret: rapporten for {} blev dannet af data {snapshot}; data er nu {now}.", p.period),
                    &format!("Changed: the report for {} was made from data {snapshot}; the data is now {now}.", p.period),
                )
            );
        }
    }

    pub fn ok(&self, da: &str, en: &str) {
        if self.json {
            self.print(json!({"ok": true}));
        } else {
            println!("{}", self.t(da, en));
        }
    }

    /// `ok`, with the warnings worth a second look (JSON: `{"ok": true, "warnings": […]}`).
    pub fn ok_with_warnings(&self, warnings: &[Warning], da: &str, en: &str) {
        if self.json {
            let warnings: Vec<Value> = warnings.iter().map(|w| json!({"code": w.code(), "message": w.message(self.lang)})).collect();
            self.print(json!({"ok": true, "warnings": warnings}));
        } else {
            for w in warnings {
                eprintln!("{}: {}", self.t("advarsel", "warning"), w.message(self.lang));
            }
            println!("{}", self.t(da, en));
        }
    }

    /// Two cases merged: how much moved.
    pub fn merged(&self, events: u32, enrolments: u32, notes: u32) {
        if self.json {
            self.print(json!({"ok": true, "events": events, "enrolments": enrolments, "notes": notes}));
        } else {
            let (da, en) = (
                format!("Sagerne er lagt sammen: {events} hændelser, {enrolments} forløb og {notes} notater er flyttet."),
                format!("The cases are merged: {events} events, {enrolments} enrolments and {notes} notes moved."),
            );
            println!("{}", self.t(&da, &en));
        }
    }

    pub fn handed_over(&self, v: &indsats_api::handover::HandoverView) {
        if self.json {
            let cases: Vec<Value> =
                v.cases.iter().map(|c| json!({"id": c.id.to_string(), "pseudonym": c.pseudonym, "from": c.from})).collect();
            self.print(json!({"ok": true, "to": v.to, "cases": cases}));
            return;
        }
        let n = v.cases.len();
        let list = v.cases.iter().map(|c| c.pseudonym.as_str()).collect::<Vec<_>>().join(", ");
        match self.lang {
            Lang::Da => println!("{n} sag(er) overdraget til {}: {list}. Historikken følger med ved næste synkronisering.", v.to),
            Lang::En => println!("{n} case(s) handed over to {}: {list}. The history goes along at the next sync.", v.to),
        }
    }

    pub fn case_imported(&self, v: &indsats_api::handover::ImportedCase) {
        if self.json {
            self.print(json!({
                "created": "participant", "id": v.id.to_string(), "pseudonym": v.pseudonym,
                "events": v.events, "enrolments": v.enrolments, "notes": v.notes,
            }));
            return;
        }
        match self.lang {
            Lang::Da => println!(
                "Sagen er importeret som {} i din sagsstamme: {} hændelser, {} tilmeldinger, {} notater.",
                v.pseudonym, v.events, v.enrolments, v.notes
            ),
            Lang::En => println!(
                "The case is imported as {} into your caseload: {} events, {} enrolments, {} notes.",
                v.pseudonym, v.events, v.enrolments, v.notes
            ),
        }
    }

    pub fn backup(&self, made: &indsats_api::backup::BackupView, removed: &[std::path::PathBuf]) {
        if self.json {
            let removed: Vec<String> = removed.iter().map(|p| p.display().to_string()).collect();
            self.print(json!({
                "file": made.file.display().to_string(),
                "created_at": made.created_at,
                "bytes": made.bytes,
                "changes": made.changes,
                "removed": removed,
            }));
        } else {
            println!(
                "{}",
                self.t(
                    &format!(
                        "Sikkerhedskopien er skrevet og kontrolleret: {} ({} bytes, {} ændringer). Den åbnes med datas adgangsfrase.",
                        made.file.display(),
                        made.bytes,
                        made.changes
                    ),
                    &format!(
                        "The backup is written and checked: {} ({} bytes, {} changes). It opens with the data's passphrase.",
                        made.file.display(),
                        made.bytes,
                        made.changes
                    ),
                )
            );
            for p in removed {
                println!("{} {}", self.t("Ældre kopi fjernet:", "Older backup removed:"), p.display());
            }
        }
    }

    pub fn import(&self, r: &indsats_api::import::ImportReport, rejected: Option<&std::path::Path>) {
        use indsats_api::import::ImportMode;
        if self.json {
            let problems: Vec<Value> = r
                .problems
                .iter()
                .map(|p| {
                    json!({
                        "row": p.row,
                        "column": p.column.as_ref().map(|c| &c.0),
                        "header": p.column.as_ref().map(|c| &c.1),
                        "code": p.problem.code(),
                        "message": p.message(self.lang),
                    })
                })
                .collect();
            let matched: Vec<Value> = r.matched.iter().map(|(row, p)| json!({"row": row, "pseudonym": p})).collect();
            self.print(json!({
                "rows": r.rows,
                "imported": r.imported,
                "written": r.written,
                "dry_run": r.mode == ImportMode::DryRun,
                "matched": matched,
                "problems": problems,
                "unused_columns": r.unused_columns,
                "rejected_file": rejected.map(|p| p.display().to_string()),
            }));
            return;
        }
        for p in &r.problems {
            println!("{}", p.message(self.lang));
        }
        if !r.unused_columns.is_empty() {
            println!("{} {}", self.t("Kolonner, der ikke læses:", "Columns not read:"), r.unused_columns.join(", "));
        }
        let matched = r.matched.len();
        let line = match (r.mode, self.lang) {
            (ImportMode::DryRun, Lang::Da) => format!(
                "Prøvekørsel: {} rækker læst; {} ville blive indlæst, {matched} findes allerede, {} har fejl. Intet er gemt.",
                r.rows,
                r.imported,
                r.bad_rows().len()
            ),
            (ImportMode::DryRun, Lang::En) => format!(
                "Dry run: {} rows read; {} would be imported, {matched} are already here, {} have errors. Nothing was saved.",
                r.rows,
                r.imported,
                r.bad_rows().len()
            ),
            (_, Lang::Da) => format!("{} rækker læst; {} indlæst, {matched} fandtes allerede.", r.rows, r.imported),
            (_, Lang::En) => format!("{} rows read; {} imported, {matched} were already here.", r.rows, r.imported),
        };
        println!("{line}");
    }

    pub fn restored(&self, view: &indsats_api::backup::BackupView, dir: &std::path::Path) {
        if self.json {
            self.print(json!({"restored": dir.display().to_string(), "created_at": view.created_at, "changes": view.changes}));
        } else {
            println!(
                "{}",
                self.t(
                    &format!(
                        "Sikkerhedskopien fra {} er gendannet i {} ({} ændringer) og kontrolleret. Er computeren i et team, tjekker næste synkronisering, at intet mangler.",
                        view.created_at,
                        dir.display(),
                        view.changes
                    ),
                    &format!(
                        "The backup of {} is restored into {} ({} changes) and checked. If the computer is in a team, the next sync checks that nothing is missing.",
                        view.created_at,
                        dir.display(),
                        view.changes
                    ),
                )
            );
        }
    }

    pub fn created(&self, kind: &str, id: &str, pseudonym: Option<&str>) {
        if self.json {
            self.print(json!({"created": kind, "id": id, "pseudonym": pseudonym}));
        } else {
            let what = match (kind, self.lang) {
                ("initiative", Lang::Da) => "Indsats oprettet",
                ("participant", Lang::Da) => "Deltager oprettet",
                ("enrolment", Lang::Da) => "Tilmeldt",
                ("event", Lang::Da) => "Registreret",
                ("note", Lang::Da) => "Notat gemt",
                ("note", Lang::En) => "Note saved",
                ("initiative", Lang::En) => "Initiative created",
                ("participant", Lang::En) => "Participant created",
                ("enrolment", Lang::En) => "Enrolled",
                _ => "Recorded",
            };
            match pseudonym {
                Some(p) => println!("{what}: {p} ({id})"),
                None => println!("{what}: {id}"),
            }
        }
    }

    /// A new participant, with any warnings (on stderr as text; in the JSON under `warnings`).
    pub fn participant_added(&self, a: &Added) {
        if self.json {
            let warnings: Vec<Value> = a.warnings.iter().map(|w| json!({"code": w.code(), "message": w.message(self.lang)})).collect();
            self.print(json!({"created": "participant", "id": a.id.to_string(), "pseudonym": a.pseudonym, "warnings": warnings}));
        } else {
            for w in &a.warnings {
                eprintln!("{}: {}", self.t("advarsel", "warning"), w.message(self.lang));
            }
            self.created("participant", &a.id.to_string(), Some(&a.pseudonym));
        }
    }

    pub fn init(&self, s: &Session) -> anyhow::Result<()> {
        let strategy = s.strategy()?;
        let goals = s.goals()?;
        if self.json {
            self.print(json!({
                "data_dir": s.data_dir(),
                "strategy": strategy.as_ref().map(|x| &x.key),
                "goals": goals.len(),
                "indicators": goals.iter().map(|g| g.indicators.len()).sum::<usize>(),
            }));
        } else {
            println!("{} {}", self.t("Krypteret datalager oprettet i", "Encrypted data store created in"), s.data_dir().display());
            if let Some(st) = strategy {
                println!(
                    "{}: {} – {} ({} {})",
                    self.t("Strategi", "Strategy"),
                    st.municipality,
                    st.title,
                    goals.len(),
                    self.t("mål", "goals")
                );
            }
        }
        Ok(())
    }

    pub fn goals(&self, goals: &[GoalView]) {
        if self.json {
            let v: Vec<Value> = goals
                .iter()
                .map(|g| {
                    json!({
                        "id": g.goal.id.to_string(), "key": g.goal.key, "position": g.goal.position,
                        "title": g.goal.title, "title_en": g.goal.title_en, "description": g.goal.description,
                        "indicators": g.indicators.iter().map(|i| json!({
                            "id": i.id.to_string(), "key": i.key, "name": i.name, "name_en": i.name_en,
                            "definition": i.definition, "unit": i.unit.code(), "direction": i.direction.code(),
                            "measure": i.measure.code(), "baseline": i.baseline, "baseline_year": i.baseline_year,
                            "source": i.source,
                            "targets": i.targets.iter().map(|t| json!({"year": t.year, "value": t.value, "illustrative": t.illustrative})).collect::<Vec<_>>(),
                        })).collect::<Vec<_>>(),
                        "initiatives": g.initiatives.iter().map(|(id, title, c)| json!({"id": id.to_string(), "title": title, "contribution": c})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            self.print(Value::Array(v));
            return;
        }
        for g in goals {
            let title = if self.lang == Lang::Da { &g.goal.title } else { &g.goal.title_en };
            println!("{}. {title}  [{}]", g.goal.position, g.goal.key);
            let mut t = table(&[
                self.t("Indikator", "Indicator"),
                self.t("Nøgle", "Key"),
                self.t("Enhed", "Unit"),
                self.t("Basis", "Baseline"),
                self.t("Mål pr. år", "Targets by year"),
            ]);
            for i in &g.indicators {
                let targets = i
                    .targets
                    .iter()
                    .map(|t| format!("{}: {}{}", t.year, num(t.value, self.lang), if t.illustrative { "*" } else { "" }))
                    .collect::<Vec<_>>()
                    .join("  ");
                t.add_row(vec![
                    if self.lang == Lang::Da { i.name.clone() } else { i.name_en.clone() },
                    i.key.clone(),
                    i.unit.label(self.lang).to_string(),
                    i.baseline.map(|b| num(b, self.lang)).unwrap_or_default(),
                    targets,
                ]);
            }
            println!("{t}");
            for (_, title, _) in &g.initiatives {
                println!("  • {title}");
            }
            println!();
        }
        println!(
            "{}",
            self.t(
                "* illustrativt mål: kommunen har ikke fastsat det endnu (skift med «indsats target»).",
                "* illustrative target: not yet set by the municipality (change with “indsats target”)."
            )
        );
    }

    pub fn initiatives(&self, rows: &[InitiativeRow]) {
        if self.json {
            self.print(Value::Array(
                rows.iter()
                    .map(|r| {
                        let i = &r.initiative;
                        json!({
                            "id": i.id.to_string(), "title": i.title, "type": i.kind.code(), "owner": i.owner,
                            "start": iso(Some(i.start)), "end": iso(i.end), "capacity": i.capacity, "status": i.status.code(),
                            "goals": r.goals.iter().map(|g| g.to_string()).collect::<Vec<_>>(),
                            "enrolled_now": r.enrolled_now, "enrolled_total": r.enrolled_total,
                        })
                    })
                    .collect(),
            ));
            return;
        }
        let mut t = table(&[
            self.t("Titel", "Title"),
            self.t("Type", "Type"),
            self.t("Status", "Status"),
            self.t("Periode", "Period"),
            self.t("Deltagere nu", "Enrolled now"),
            "Id",
        ]);
        for r in rows {
            let i = &r.initiative;
            t.add_row(vec![
                i.title.clone(),
                i.kind.label(self.lang).to_string(),
                i.status.label(self.lang).to_string(),
                format!("{} – {}", self.date(Some(i.start)), self.date(i.end)),
                format!("{}{}", r.enrolled_now, i.capacity.map(|c| format!("/{c}")).unwrap_or_default()),
                i.id.to_string(),
            ]);
        }
        println!("{t}");
    }

    pub fn initiative(&self, v: &InitiativeView) {
        let i = &v.initiative;
        if self.json {
            self.print(json!({
                "id": i.id.to_string(), "title": i.title, "type": i.kind.code(), "owner": i.owner, "start": iso(Some(i.start)),
                "end": iso(i.end), "capacity": i.capacity, "status": i.status.code(), "description": i.description,
                "goals": v.goals.iter().map(|(l, t)| json!({"goal": l.goal.to_string(), "title": t, "contribution": l.contribution})).collect::<Vec<_>>(),
                "enrolments": v.enrolments.iter().map(|(e, p)| json!({"id": e.id.to_string(), "participant": p, "start": iso(Some(e.start)), "end": iso(e.end), "outcome": e.outcome.map(|o| o.code())})).collect::<Vec<_>>(),
                "results": {"participants": v.participants, "ended": v.ended, "completed_or_better": v.completed_or_better, "dropped_out": v.dropped_out, "to_job_or_education": v.to_job_or_education},
            }));
            return;
        }
        println!("{}  ({}, {})", i.title, i.kind.label(self.lang), i.status.label(self.lang));
        println!(
            "{}: {}   {}: {} – {}",
            self.t("Ansvarlig", "Owner"),
            i.owner,
            self.t("Periode", "Period"),
            self.date(Some(i.start)),
            self.date(i.end)
        );
        for (l, t) in &v.goals {
            println!("  → {t}: {}", l.contribution);
        }
        println!(
            "{}: {}   {}: {} / {} {}   {}: {}",
            self.t("Hvor meget (deltagere)", "How much (participants)"),
            v.participants,
            self.t("Hvor godt (gennemført eller bedre)", "How well (completed or better)"),
            v.completed_or_better,
            v.ended,
            self.t("afsluttede", "ended"),
            self.t("Nogen bedre stillet (job/uddannelse)", "Anyone better off (job/education)"),
            v.to_job_or_education
        );
        let mut t =
            table(&[self.t("Deltager", "Participant"), self.t("Start", "Start"), self.t("Slut", "End"), self.t("Resultat", "Outcome")]);
        for (e, p) in &v.enrolments {
            t.add_row(vec![
                p.clone(),
                self.date(Some(e.start)),
                self.date(e.end),
                e.outcome.map(|o| o.label(self.lang).to_string()).unwrap_or_default(),
            ]);
        }
        println!("{t}");
    }

    fn participant_json(p: &Participant) -> Value {
        json!({
            "id": p.id.to_string(), "pseudonym": p.pseudonym, "name": p.name, "cpr": p.cpr.as_ref().map(|c| c.formatted()),
            "birth_year": p.birth_year, "origin": p.origin.code(), "arrival_date": iso(p.arrival_date),
            "programme": p.programme.code(), "programme_start": iso(p.programme_start), "programme_end": iso(p.programme_end),
            "caseworker": p.caseworker, "case_closed": iso(p.case_closed),
        })
    }

    pub fn participants(&self, ps: &[Participant]) {
        if self.json {
            self.print(Value::Array(ps.iter().map(Self::participant_json).collect()));
            return;
        }
        let mut t = table(&[
            self.t("Pseudonym", "Pseudonym"),
            self.t("Navn", "Name"),
            self.t("Født", "Born"),
            self.t("Sagsbehandler", "Caseworker"),
            self.t("Lukket", "Closed"),
        ]);
        for p in ps {
            t.add_row(vec![p.pseudonym.clone(), p.name.clone(), p.birth_year.to_string(), p.caseworker.clone(), self.date(p.case_closed)]);
        }
        println!("{t}");
    }

    pub fn hits(&self, hits: &[SearchHit]) {
        if self.json {
            self.print(Value::Array(
                hits.iter()
                    .map(|h| json!({"id": h.id.to_string(), "pseudonym": h.pseudonym, "name": h.name, "birth_year": h.birth_year, "caseworker": h.caseworker, "case_closed": iso(h.case_closed)}))
                    .collect(),
            ));
            return;
        }
        if hits.is_empty() {
            println!("{}", self.t("Ingen deltagere matcher.", "No participants match."));
            return;
        }
        let mut t = table(&[
            self.t("Pseudonym", "Pseudonym"),
            self.t("Navn", "Name"),
            self.t("Født", "Born"),
            self.t("Sagsbehandler", "Caseworker"),
        ]);
        for h in hits {
            t.add_row(vec![h.pseudonym.clone(), h.name.clone(), h.birth_year.to_string(), h.caseworker.clone()]);
        }
        println!("{t}");
    }

    fn event_json(e: &ProgressEvent) -> Value {
        json!({
            "id": e.id.to_string(), "date": iso(Some(e.date)), "type": e.details.type_code(),
            "details": serde_json::to_value(&e.details).unwrap_or(Value::Null),
            "recorded_by": e.recorded_by, "recorded_at": e.recorded_at.to_rfc3339(),
        })
    }

    fn step(&self, s: u8) -> String {
        let (da, en) = STEP_LABELS[usize::from(s.min(6))];
        format!("{s} {}", self.t(da, en))
    }

    pub fn participant(&self, v: &ParticipantView) {
        let p = &v.participant;
        if self.json {
            let mut j = Self::participant_json(p);
            j["target_group"] = v.target_group.map_or(Value::Null, |(g, d)| json!({"group": g.code(), "since": iso(Some(d))}));
            j["ladder_step"] = json!(v.ladder_step);
            j["ladder_history"] = Value::Array(v.ladder_history.iter().map(|(d, s)| json!({"date": iso(Some(*d)), "step": s})).collect());
            j["enrolments"] = Value::Array(v.enrolments.iter().map(|(e, t)| json!({"id": e.id.to_string(), "initiative": e.initiative.to_string(), "title": t, "start": iso(Some(e.start)), "end": iso(e.end), "outcome": e.outcome.map(|o| o.code())})).collect());
            j["events"] = Value::Array(v.events.iter().map(Self::event_json).collect());
            self.print(j);
            return;
        }
        println!(
            "{} ({})  {}: {}  {}: {}",
            p.name,
            p.pseudonym,
            self.t("født", "born"),
            p.birth_year,
            self.t("sagsbehandler", "caseworker"),
            p.caseworker
        );
        if let Some(c) = &p.cpr {
            println!("CPR: {}", c.formatted());
        }
        println!(
            "{}: {}  {}",
            self.t("Program", "Programme"),
            p.programme.label(self.lang),
            format_args!("{} – {}", self.date(p.programme_start), self.date(p.programme_end))
        );
        if let Some((g, d)) = v.target_group {
            println!("{}: {} ({} {})", self.t("Målgruppe", "Target group"), g.label(self.lang), self.t("fra", "since"), self.date(Some(d)));
        }
        println!("{}: {}", self.t("Trin på stigen", "Ladder step"), self.step(v.ladder_step));
        if let Some(c) = p.case_closed {
            println!("{}: {}", self.t("Sagen lukket", "Case closed"), self.date(Some(c)));
        }
        let mut t =
            table(&[self.t("Indsats", "Initiative"), self.t("Start", "Start"), self.t("Slut", "End"), self.t("Resultat", "Outcome")]);
        for (e, title) in &v.enrolments {
            t.add_row(vec![
                title.clone(),
                self.date(Some(e.start)),
                self.date(e.end),
                e.outcome.map(|o| o.label(self.lang).to_string()).unwrap_or_default(),
            ]);
        }
        println!("{t}");
        println!("{}: {}", self.t("Hændelser", "Events"), v.events.len());
    }

    pub fn timeline(&self, v: &TimelineView) {
        if self.json {
            let events: Vec<Value> = v
                .events
                .iter()
                .map(|(e, s)| {
                    let mut j = Self::event_json(e);
                    j["ladder_step"] = json!(s);
                    j
                })
                .collect();
            let corrections: Vec<Value> = v
                .corrections
                .iter()
                .map(|c| {
                    json!({
                        "id": c.id.to_string(), "target": c.target.table(), "target_id": c.target_id, "kind": c.kind.code(),
                        "changes": c.changes.iter().map(|f| json!({"field": f.field, "from": f.from, "to": f.to})).collect::<Vec<_>>(),
                        "reason": c.reason, "made_by": c.made_by, "made_at": c.made_at.to_rfc3339(),
                        "text": indsats_api::corrections::describe(c, self.lang),
                    })
                })
                .collect();
            let notes: Vec<Value> = v
                .notes
                .iter()
                .map(|t| {
                    let mut j = Self::note_json(&t.current);
                    j["earlier"] = Value::Array(t.earlier.iter().map(Self::note_json).collect());
                    j
                })
                .collect();
            self.print(json!({"events": events, "corrections": corrections, "notes": notes}));
            return;
        }
        let mut t = table(&[
            self.t("Dato", "Date"),
            self.t("Hændelse", "Event"),
            self.t("Detaljer", "Details"),
            self.t("Trin", "Step"),
            self.t("Registreret af", "Recorded by"),
            "Id",
        ]);
        for (e, s) in &v.events {
            t.add_row(vec![
                self.date(Some(e.date)),
                e.details.type_label(self.lang).to_string(),
                e.details.summary(self.lang),
                s.to_string(),
                e.recorded_by.clone(),
                e.id.to_string(),
            ]);
        }
        println!("{t}");
        if !v.notes.is_empty() {
            println!("{}:", self.t("Notater", "Notes"));
            for t in &v.notes {
                let n = &t.current;
                let earlier = match t.earlier.len() {
                    0 => String::new(),
                    k => format!(
                        " – {}",
                        self.t(&format!("rettet, {k} tidligere version(er)"), &format!("corrected, {k} earlier version(s)"))
                    ),
                };
                println!("  {} {} ({}){earlier}: {}", self.date(Some(n.written_at.date_naive())), n.written_by, n.id, n.text);
            }
        }
        if !v.corrections.is_empty() {
            println!("{}:", self.t("Rettelser", "Corrections"));
            for c in &v.corrections {
                println!("  {}", indsats_api::corrections::describe(c, self.lang));
            }
        }
    }

    fn note_json(n: &indsats_api::core::model::JournalNote) -> Value {
        json!({
            "id": n.id.to_string(), "event": n.event.map(|e| e.to_string()), "replaces": n.replaces.map(|r| r.to_string()),
            "text": n.text, "written_by": n.written_by, "written_at": n.written_at.to_rfc3339(),
        })
    }

    pub fn note_hits(&self, hits: &[indsats_api::notes::NoteHit]) {
        if self.json {
            self.print(Value::Array(
                hits.iter()
                    .map(|h| {
                        let mut j = Self::note_json(&h.note);
                        j["pseudonym"] = json!(h.pseudonym);
                        j
                    })
                    .collect(),
            ));
            return;
        }
        let mut t = table(&[self.t("Borger", "Citizen"), self.t("Skrevet", "Written"), self.t("Af", "By"), self.t("Notat", "Note")]);
        for h in hits {
            t.add_row(vec![
                h.pseudonym.clone(),
                self.date(Some(h.note.written_at.date_naive())),
                h.note.written_by.clone(),
                h.note.text.clone(),
            ]);
        }
        println!("{t}");
    }

    pub fn worklist(&self, v: &indsats_api::worklist::WorklistView) {
        let due = |d: &indsats_api::worklist::DueLine| {
            json!({
                "participant": d.item.participant.to_string(), "pseudonym": d.item.pseudonym, "name": d.item.name,
                "caseworker": d.item.caseworker, "rule": d.item.rule, "ruleset": d.item.ruleset, "kind": d.kind.code(),
                "title": d.title(self.lang), "illustrative": d.illustrative,
                "anchor": iso(Some(d.item.anchor)), "due": iso(Some(d.item.due)), "needed": d.item.needed, "done": d.item.done,
                "days_overdue": d.days_overdue,
            })
        };
        if self.json {
            self.print(json!({
                "today": iso(Some(v.today)), "caseworker": v.caseworker, "no_contact_days": v.no_contact_days,
                "overdue": v.overdue.iter().map(due).collect::<Vec<_>>(),
                "this_week": v.this_week.iter().map(due).collect::<Vec<_>>(),
                "upcoming_conversations": v.upcoming_conversations.iter().map(due).collect::<Vec<_>>(),
                "without_contact": v.without_contact.iter().map(|c| json!({
                    "participant": c.participant.to_string(), "pseudonym": c.pseudonym, "name": c.name,
                    "caseworker": c.caseworker, "last_event": iso(c.last_event),
                })).collect::<Vec<_>>(),
                "drafts": v.drafts.iter().map(|(f, at)| json!({"form": f, "saved_at": at})).collect::<Vec<_>>(),
                "workload": v.workload.iter().map(|w| json!({"caseworker": w.caseworker, "open_cases": w.open_cases, "overdue": w.overdue})).collect::<Vec<_>>(),
            }));
            return;
        }
        let who = v.caseworker.clone().unwrap_or_else(|| self.t("hele teamet", "the whole team").to_string());
        println!("{} – {who} ({})", self.t("I dag", "Today"), self.date(Some(v.today)));
        let section = |title: &str, rows: &[indsats_api::worklist::DueLine]| {
            println!("{title}: {}", rows.len());
            if rows.is_empty() {
                return;
            }
            let mut t = table(&[
                self.t("Frist", "Due"),
                self.t("Borger", "Citizen"),
                self.t("Hvad", "What"),
                self.t("Status", "Status"),
                self.t("Sagsbehandler", "Caseworker"),
            ]);
            for d in rows {
                let status = if d.days_overdue > 0 {
                    self.t(&format!("{} dage over", d.days_overdue), &format!("{} days overdue", d.days_overdue)).to_string()
                } else {
                    format!("{}/{}", d.item.done, d.item.needed)
                };
                t.add_row(vec![
                    self.date(Some(d.item.due)),
                    format!("{} ({})", d.item.name, d.item.pseudonym),
                    d.title(self.lang).to_string(),
                    status,
                    d.item.caseworker.clone(),
                ]);
            }
            println!("{t}");
        };
        section(self.t("Overskredet", "Overdue"), &v.overdue);
        section(self.t("Denne uge", "This week"), &v.this_week);
        section(self.t("Kommende samtaler", "Upcoming conversations"), &v.upcoming_conversations);
        println!(
            "{}: {}",
            self.t(&format!("Uden kontakt i {} dage", v.no_contact_days), &format!("Without contact for {} days", v.no_contact_days)),
            v.without_contact.len()
        );
        for c in &v.without_contact {
            println!("  {} ({})  {}: {}  {}", c.name, c.pseudonym, self.t("seneste", "latest"), self.date(c.last_event), c.caseworker);
        }
        if !v.drafts.is_empty() {
            println!("{}: {}", self.t("Åbne kladder", "Open drafts"), v.drafts.len());
        }
        if !v.workload.is_empty() {
            let mut t = table(&[
                self.t("Sagsbehandler", "Caseworker"),
                self.t("Åbne sager", "Open cases"),
                self.t("Overskredne frister", "Overdue items"),
            ]);
            for w in &v.workload {
                t.add_row(vec![w.caseworker.clone(), w.open_cases.to_string(), w.overdue.to_string()]);
            }
            println!("{t}");
        }
    }

    pub fn status(&self, v: &StatusView) {
        let c = &v.counts;
        if self.json {
            self.print(json!({
                "municipality": v.municipality, "strategy": v.strategy, "today": iso(Some(v.today)),
                "counts": {
                    "goals": c.goals, "indicators": c.indicators,
                    "initiatives": {"planned": c.initiatives_planned, "active": c.initiatives_active, "closed": c.initiatives_closed},
                    "participants": {"open": c.participants_open, "closed": c.participants_closed},
                    "enrolments_active": c.enrolments_active, "events": c.events, "changes": c.changes, "audit_rows": c.audit_rows,
                },
                "caseload": v.caseload.iter().map(|r| json!({"caseworker": r.caseworker, "open_cases": r.open_cases, "without_recent_contact": r.without_recent_contact})).collect::<Vec<_>>(),
                "no_contact_days": v.no_contact_days,
                "ladder": v.ladder,
                "events_by_type": v.events_by_type.iter().map(|(t, n)| json!({"type": t, "count": n})).collect::<Vec<_>>(),
                "goals": v.goals.iter().map(|g| json!({"key": g.key, "title": g.title, "indicators": g.indicators, "initiatives_active": g.initiatives_active, "participants_enrolled_now": g.participants_enrolled_now})).collect::<Vec<_>>(),
            }));
            return;
        }
        println!("{} – {}  ({})", v.municipality, v.strategy, self.date(Some(v.today)));
        println!(
            "{}: {} {} / {} {}   {}: {} {} / {} {} / {} {}   {}: {}   {}: {}",
            self.t("Deltagere", "Participants"),
            c.participants_open,
            self.t("åbne", "open"),
            c.participants_closed,
            self.t("lukkede", "closed"),
            self.t("Indsatser", "Initiatives"),
            c.initiatives_active,
            self.t("aktive", "active"),
            c.initiatives_planned,
            self.t("planlagte", "planned"),
            c.initiatives_closed,
            self.t("lukkede", "closed"),
            self.t("Aktive forløb", "Active enrolments"),
            c.enrolments_active,
            self.t("Hændelser", "Events"),
            c.events
        );
        let mut g = table(&[
            self.t("Mål", "Goal"),
            self.t("Indikatorer", "Indicators"),
            self.t("Aktive indsatser", "Active initiatives"),
            self.t("Deltagere i indsatser nu", "Enrolled now"),
        ]);
        for r in &v.goals {
            g.add_row(vec![
                r.title.clone(),
                r.indicators.to_string(),
                r.initiatives_active.to_string(),
                r.participants_enrolled_now.to_string(),
            ]);
        }
        println!("{g}");
        let mut l = table(&[self.t("Trin på stigen (åbne sager)", "Ladder step (open cases)"), self.t("Antal", "Count")]);
        for (s, n) in v.ladder.iter().enumerate() {
            l.add_row(vec![self.step(s as u8), n.to_string()]);
        }
        println!("{l}");
        let mut t = table(&[
            self.t("Sagsbehandler", "Caseworker"),
            self.t("Åbne sager", "Open cases"),
            &format!("{} {} {}", self.t("Ingen kontakt i", "No contact in"), v.no_contact_days, self.t("dage", "days")),
        ]);
        for r in &v.caseload {
            t.add_row(vec![r.caseworker.clone(), r.open_cases.to_string(), r.without_recent_contact.to_string()]);
        }
        println!("{t}");
    }

    fn status_label(&self, s: Status) -> &'static str {
        s.label(self.lang)
    }

    fn value(&self, v: Option<f64>, unit: Unit) -> String {
        match (v, unit) {
            (None, _) => "–".into(),
            (Some(v), Unit::Percent) => format!("{} %", num(v, self.lang)),
            (Some(v), Unit::PercentagePoints) => format!("{} pp", num(v, self.lang)),
            (Some(v), Unit::Days) => format!("{} {}", num(v, self.lang), self.t("dage", "days")),
            (Some(v), Unit::Count) => num(v, self.lang),
        }
    }

    pub fn indicators(&self, period: Period, goals: &[(Goal, Status, Vec<IndicatorResult>)]) {
        if self.json {
            let v: Vec<Value> = goals
                .iter()
                .map(|(g, st, rs)| {
                    json!({
                        "goal": g.key, "title": g.title, "status": st.code(),
                        "indicators": rs.iter().map(|r| json!({
                            "key": r.indicator.key, "name": r.indicator.name, "measure": r.indicator.measure.code(),
                            "unit": r.indicator.unit.code(), "direction": r.indicator.direction.code(),
                            "value": r.computed.value, "numerator": r.computed.numerator, "denominator": r.computed.denominator,
                            "previous": r.previous.value, "target": r.target, "target_illustrative": r.target_illustrative,
                            "status": r.status.code(),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            self.print(json!({"period": period.to_string(), "goals": v}));
            return;
        }
        println!("{} {period}", self.t("Mål og indikatorer,", "Goals and indicators,"));
        for (g, st, rs) in goals {
            let title = if self.lang == Lang::Da { &g.title } else { &g.title_en };
            println!("\n{}. {title}: {}", g.position, self.status_label(*st));
            let mut t = table(&[
                self.t("Indikator", "Indicator"),
                self.t("Værdi", "Value"),
                self.t("Tæller / nævner", "Numerator / denominator"),
                self.t("Forrige periode", "Previous period"),
                self.t("Mål", "Target"),
                self.t("Status", "Status"),
            ]);
            for r in rs {
                let i = &r.indicator;
                t.add_row(vec![
                    if self.lang == Lang::Da { i.name.clone() } else { i.name_en.clone() },
                    self.value(r.computed.value, i.unit),
                    if i.measure == Measure::Manual {
                        self.t("indtastes", "entered").to_string()
                    } else {
                        format!("{} / {}", num(r.computed.numerator, self.lang), r.computed.denominator)
                    },
                    self.value(r.previous.value, i.unit),
                    r.target
                        .map(|v| format!("{}{}", self.value(Some(v), i.unit), if r.target_illustrative { "*" } else { "" }))
                        .unwrap_or_default(),
                    self.status_label(r.status).to_string(),
                ]);
            }
            println!("{t}");
        }
        println!(
            "{}",
            self.t(
                "* illustrativt mål. Status: på sporet når målet er nået; i risiko inden for 10 % af målet; ellers bagud.",
                "* illustrative target. Status: on track when the target is reached; at risk within 10 % of it; else off track."
            )
        );
    }

    pub fn demo(&self, s: &DemoSummary, took: std::time::Duration) {
        let rate = s.events as f64 / took.as_secs_f64().max(1e-9);
        if self.json {
            self.print(json!({
                "participants": s.participants, "initiatives": s.initiatives, "caseworkers": s.caseworkers,
                "enrolments": s.enrolments, "events": s.events, "seconds": took.as_secs_f64(), "events_per_second": rate,
            }));
            return;
        }
        println!(
            "{}: {} {}, {} {}, {} {}, {} {}, {} {} ({:.1} s, {:.0} {})",
            self.t("Demodata dannet", "Demo data generated"),
            s.participants,
            self.t("deltagere", "participants"),
            s.initiatives,
            self.t("indsatser", "initiatives"),
            s.caseworkers,
            self.t("sagsbehandlere", "caseworkers"),
            s.enrolments,
            self.t("forløb", "enrolments"),
            s.events,
            self.t("hændelser", "events"),
            took.as_secs_f64(),
            rate,
            self.t("hændelser/s", "events/s"),
        );
    }

    fn audit_json(r: &indsats_api::AuditLine) -> Value {
        json!({"device": r.device, "device_name": r.device_name, "own": r.own, "seq": r.seq, "at": r.at.to_rfc3339(),
               "user": r.user, "role": r.role, "action": r.action, "subject": r.subject, "subject_label": r.subject_label,
               "purpose": r.purpose, "detail": r.detail})
    }

    pub fn audit(&self, rows: &[indsats_api::AuditLine]) {
        if self.json {
            self.print(Value::Array(rows.iter().map(Self::audit_json).collect()));
            return;
        }
        let mut t = table(&[
            self.t("Tidspunkt (UTC)", "Time (UTC)"),
            self.t("Computer", "Computer"),
            self.t("Bruger", "User"),
            self.t("Rolle", "Role"),
            self.t("Handling", "Action"),
            self.t("Emne", "Subject"),
            self.t("Formål", "Purpose"),
        ]);
        for r in rows {
            t.add_row(vec![
                r.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                if r.own { self.t("denne", "this one").to_string() } else { r.device_name.clone().unwrap_or_else(|| r.device.clone()) },
                r.user.clone(),
                r.role.clone(),
                r.action.clone(),
                r.subject_label.clone().or_else(|| r.subject.clone()).unwrap_or_default(),
                r.purpose.clone(),
            ]);
        }
        println!("{t}");
    }

    pub fn audit_verified(&self, c: &indsats_api::AuditCheck) {
        if self.json {
            let devices: Vec<Value> = c
                .devices
                .iter()
                .map(|d| {
                    json!({"device": d.device, "name": d.name, "user": d.user, "first_seq": d.first_seq, "last_seq": d.last_seq,
                               "rows": d.rows, "received_at": d.received_at, "problem": d.problem, "problem_seq": d.problem_seq})
                })
                .collect();
            self.print(json!({"verified": c.ok(), "rows": c.own_rows, "devices": devices}));
            return;
        }
        println!(
            "{} ({} {}).",
            self.t("Denne computers logning er intakt", "This computer's audit log is intact"),
            c.own_rows,
            self.t("poster", "entries")
        );
        for d in &c.devices {
            let who = format!("{} ({})", d.name.clone().unwrap_or_else(|| d.device.clone()), d.user.clone().unwrap_or_default());
            match (&d.problem, d.problem_seq) {
                (Some(p), seq) => println!(
                    "{who}: {} {} ({p}). {}",
                    self.t("afviger fra det modtagne fra post", "differs from what was received from entry"),
                    seq.unwrap_or_default(),
                    self.t("De modtagne poster er bevaret; kontakt IT.", "The entries received are kept; contact IT."),
                ),
                (None, _) => println!(
                    "{who}: {} {}–{} {}.",
                    d.rows,
                    d.first_seq,
                    d.last_seq,
                    self.t("poster modtaget, kæden holder", "entries received, the chain holds")
                ),
            }
        }
    }

    fn review_json(r: &indsats_api::ReviewView) -> Value {
        json!({"id": r.id, "month": r.month, "access": Self::audit_json(&r.line), "outcome": r.outcome, "note": r.note,
               "reviewer": r.reviewer, "reviewed_at": r.reviewed_at})
    }

    pub fn review_sample(&self, s: &indsats_api::ReviewSample) {
        if self.json {
            self.print(
                json!({"month": s.month, "drawn_now": s.drawn_now, "items": s.items.iter().map(Self::review_json).collect::<Vec<_>>()}),
            );
            return;
        }
        if s.items.is_empty() {
            println!("{} {}.", self.t("Ingen adgange at gennemgå i", "No accesses to review in"), s.month);
            return;
        }
        let mut t = table(&[
            "ID",
            self.t("Tidspunkt (UTC)", "Time (UTC)"),
            self.t("Bruger", "User"),
            self.t("Handling", "Action"),
            self.t("Emne", "Subject"),
            self.t("Formål", "Purpose"),
            self.t("Vurdering", "Outcome"),
        ]);
        for r in &s.items {
            let l = &r.line;
            t.add_row(vec![
                r.id.clone(),
                l.at.format("%Y-%m-%d %H:%M").to_string(),
                l.user.clone(),
                l.action.clone(),
                l.subject_label.clone().unwrap_or_default(),
                l.purpose.clone(),
                match r.outcome.as_deref() {
                    Some("ok") => self.t("i orden", "reviewed").to_string(),
                    Some(_) => format!("{}: {}", self.t("spørgsmål", "questioned"), r.note),
                    None => String::new(),
                },
            ]);
        }
        println!("{t}");
    }

    pub fn review(&self, r: &indsats_api::ReviewView) {
        if self.json {
            self.print(Self::review_json(r));
        } else {
            println!("{} {}: {}.", self.t("Adgang", "Access"), r.id, r.outcome.as_deref().unwrap_or_default());
        }
    }

    pub fn extract_written(&self, path: &std::path::Path, e: &indsats_api::Extract) {
        if self.json {
            self.print(json!({"written": path.display().to_string(), "pseudonym": e.pseudonym, "accesses": e.lines.len()}));
        } else {
            println!(
                "{} {} ({} {}, {}).",
                self.t("Skrev", "Wrote"),
                path.display(),
                e.lines.len(),
                self.t("adgange", "accesses"),
                e.pseudonym
            );
        }
    }

    /// A warning on stderr (a sync that failed while syncing continuously).
    pub fn warn(&self, message: &str) {
        if self.json {
            eprintln!("{}", json!({"warning": message}));
        } else {
            eprintln!("{}: {message}", self.t("advarsel", "warning"));
        }
    }

    pub fn team(&self, t: &indsats_api::sync::TeamView) {
        if self.json {
            self.print(serde_json::to_value(t).unwrap_or_default());
            return;
        }
        println!("{} {} (version {})", self.t("Team", "Team"), t.name, t.version);
        if !t.on_roster {
            println!(
                "{}",
                self.t(
                    "Denne computer er endnu ikke på teamets liste: giv anmodningsfilen til teamlederen, og synkronisér.",
                    "This computer is not on the team's roster yet: give the request file to the team lead, and sync."
                )
            );
        }
        println!("{}: {}", self.t("Denne computers fingeraftryk", "This computer's fingerprint"), t.fingerprint);
        let mut tab =
            table(&[self.t("Computer", "Computer"), self.t("Navn", "Name"), self.t("Bruger", "User"), self.t("Rolle", "Role"), ""]);
        for d in &t.devices {
            let mut mark = Vec::new();
            if d.lead {
                mark.push(self.t("teamleder", "lead"));
            }
            if d.me {
                mark.push(self.t("denne", "this one"));
            }
            tab.add_row(vec![d.id.clone(), d.name.clone(), d.user.clone(), d.role.label(self.lang).to_string(), mark.join(", ")]);
        }
        println!("{tab}");
    }

    /// A join request, shown before the lead adds it.
    pub fn join_request(&self, r: &indsats_api::sync::JoinRequestView, as_user: Option<&str>, as_role: Option<Role>) {
        let user = as_user.unwrap_or(&r.user);
        let role = as_role.unwrap_or(r.role);
        if self.json {
            self.print(serde_json::json!({
                "request": r,
                "would_add": {"user": user, "role": role.code()},
            }));
            return;
        }
        println!("{}: {} ({})", self.t("Computer", "Computer"), r.name, r.id);
        println!("{}: {} ({}: {})", self.t("Beder om", "Asks for"), r.user, self.t("rolle", "role"), r.role.label(self.lang));
        println!("{}: {}", self.t("Fingeraftryk", "Fingerprint"), r.fingerprint);
        println!("{}: {} ({})", self.t("Tilføjes som", "Would be added as"), user, role.label(self.lang));
    }

    /// Who acts on the store.
    pub fn whoami(&self, s: &Session) {
        let (u, g) = (s.user(), s.identity());
        let source = match g.source {
            Source::Roster => self.t("teamets liste", "the team's roster"),
            Source::Owner => self.t("lagerets ejer", "the store's owner"),
            Source::Demo => self.t("demolager: enhver rolle", "demo store: any role"),
        };
        if self.json {
            self.print(serde_json::json!({
                "user": u.name, "role": u.role.code(), "granted_role": g.role.code(), "granted_by": g.source,
            }));
            return;
        }
        println!("{}: {}", self.t("Bruger", "User"), u.name);
        println!("{}: {}", self.t("Rolle", "Role"), u.role.label(self.lang));
        println!("{}: {} ({source})", self.t("Tildelt", "Granted"), g.role.label(self.lang));
    }

    pub fn sync_target(&self, t: Option<&indsats_api::sync::TargetConfig>) {
        if self.json {
            self.print(serde_json::to_value(t).unwrap_or_default());
            return;
        }
        match t {
            Some(t) => println!("{}", t.describe()),
            None => println!("{}", self.t("Intet synkroniseringssted er valgt.", "No sync target is set.")),
        }
    }

    pub fn sync_status(&self, s: &indsats_api::sync::SyncStatusView) {
        if self.json {
            self.print(serde_json::to_value(s).unwrap_or_default());
            return;
        }
        let none = self.t("–", "–");
        let mut tab = table(&[self.t("Synkronisering", "Sync"), ""]);
        tab.add_row(vec![self.t("Team", "Team").to_string(), s.team.clone().unwrap_or_else(|| none.into())]);
        tab.add_row(vec![self.t("Sted", "Target").to_string(), s.target.clone().unwrap_or_else(|| none.into())]);
        tab.add_row(vec![
            self.t("Senest synkroniseret", "Last sync").to_string(),
            s.last_sync.clone().unwrap_or_else(|| self.t("aldrig", "never").into()),
        ]);
        tab.add_row(vec![self.t("Ændringer, der venter", "Changes waiting").to_string(), s.pending.to_string()]);
        tab.add_row(vec![self.t("Åbne konflikter", "Open conflicts").to_string(), s.conflicts.to_string()]);
        if let Some(e) = &s.last_error {
            tab.add_row(vec![
                self.t("Seneste fejl", "Last error").to_string(),
                format!("{} ({}, {}×): {}", e.code, e.at, s.failures, self.t(&e.da, &e.en)),
            ]);
        }
        for r in &s.refused {
            tab.add_row(vec![self.t("Afvist", "Refused").to_string(), r.clone()]);
        }
        println!("{tab}");
    }

    pub fn sync_outcome(&self, o: &indsats_api::sync::SyncOutcome) {
        if self.json {
            self.print(serde_json::to_value(o).unwrap_or_default());
            return;
        }
        println!(
            "{}",
            self.t(
                &format!(
                    "Synkroniseret: {} ændringer sendt, {} modtaget i {} pakker, {} nye konflikter.",
                    o.pushed_changes, o.merged_changes, o.merged_bundles, o.conflicts
                ),
                &format!(
                    "Synced: {} changes sent, {} received in {} bundles, {} new conflicts.",
                    o.pushed_changes, o.merged_changes, o.merged_bundles, o.conflicts
                ),
            )
        );
        if o.requested > 0 {
            println!("{}", self.t(&format!("{} ældre pakker er bedt om hos teamlederen (de blev lavet, før denne computer kom med); de kommer, når teamlederen har synkroniseret.", o.requested), &format!("{} older bundles were asked of the team lead (made before this computer joined); they arrive once the lead has synced.", o.requested)));
        }
        if o.rekeyed > 0 {
            println!(
                "{}",
                self.t(
                    &format!("{} pakker er gjort læsbare for nye computere i teamet.", o.rekeyed),
                    &format!("{} bundles were made readable for new computers in the team.", o.rekeyed)
                )
            );
        }
        for (device, from) in &o.waiting {
            println!(
                "{}",
                self.t(
                    &format!("Venter på {device}s ændring {from} (den mangler endnu på stedet)."),
                    &format!("Waiting for {device}'s change {from} (not on the target yet).")
                )
            );
        }
        for (name, _, message) in &o.refused {
            println!("{}: {name}: {message}", self.t("Afvist", "Refused"));
        }
        for (_, _, message) in &o.access_problems {
            println!("{}: {message}", self.t("Logning", "Access log"));
        }
        if let Some(ms) = o.skew_ms {
            println!(
                "{}",
                self.t(
                    &format!("Advarsel: en anden computers ur går {} minutter foran.", ms / 60_000),
                    &format!("Warning: another computer's clock is {} minutes ahead.", ms / 60_000)
                )
            );
        }
    }

    pub fn conflicts(&self, rows: &[indsats_api::sync::ConflictView]) {
        if self.json {
            self.print(serde_json::to_value(rows).unwrap_or_default());
            return;
        }
        if rows.is_empty() {
            println!("{}", self.t("Ingen konflikter.", "No conflicts."));
            return;
        }
        let mut tab = table(&[
            "#",
            self.t("Hvad", "What"),
            self.t("Felt", "Field"),
            self.t("Min værdi", "Mine"),
            self.t("Deres værdi", "Theirs"),
            self.t("Hvem", "Who"),
            self.t("Afgjort", "Settled"),
        ]);
        for c in rows {
            let kind = match c.kind.as_str() {
                "deleted" => self.t("slettet hos dem", "deleted by them"),
                "duplicate_cpr" => self.t("samme CPR", "same CPR"),
                _ => "",
            };
            tab.add_row(vec![
                c.id.to_string(),
                format!("{} {}", c.table, c.about),
                c.field.clone().unwrap_or_else(|| kind.to_string()),
                c.mine.clone().unwrap_or_default(),
                c.theirs.clone().unwrap_or_default(),
                format!("{} ({})", c.theirs_who, self.lang.date(c.theirs_at.date_naive())),
                c.resolution.clone().unwrap_or_default(),
            ]);
        }
        println!("{tab}");
    }

    pub fn export_queue(&self, rows: &[indsats_api::QueuedExport]) {
        if self.json {
            let v: Vec<Value> = rows
                .iter()
                .map(|e| json!({"id": e.id, "name": e.name, "size": e.size, "queued_at": e.queued_at, "state": e.state, "error": e.error, "sent_at": e.sent_at}))
                .collect();
            self.print(Value::Array(v));
            return;
        }
        if rows.is_empty() {
            println!("{}", self.t("Ingen rapporter venter på at blive sendt.", "No reports are waiting to be sent."));
            return;
        }
        let mut tab = table(&[self.t("Fil", "File"), self.t("Sat i kø", "Queued"), self.t("Status", "State"), ""]);
        for e in rows {
            let state = match e.state.as_str() {
                "sent" => self.t("sendt", "sent"),
                "failed" => self.t("mislykkedes", "failed"),
                _ => self.t("venter", "pending"),
            };
            tab.add_row(vec![
                e.name.clone(),
                e.queued_at.clone(),
                state.to_string(),
                e.error.clone().or_else(|| e.sent_at.clone()).unwrap_or_default(),
            ]);
        }
        println!("{tab}");
    }
}
