//! The attacker: a reader who holds every file of one management summary and knows how each
//! number is defined, and who solves linear programs to bound what is hidden.
//!
//! Independently of how disclosure control chose what to hide, this test writes down every
//! linear relation the definitions give between the counts behind the summary's cells (sums over
//! initiatives, types and the total; months and their period; shares over the same denominator;
//! numerators within denominators; persons and person-months), treats every hidden count as an
//! unknown ≥ 0 (not necessarily whole) and every published cell as known. It is given *more* than
//! is published: a published share or mean gives it both its numerator and its denominator, not
//! just their ratio. Then, with a linear-programming solver (microlp), it takes the least and the
//! greatest value each hidden count can have. The guarantee (docs/indicators.md):
//! - a count hidden because it is small (1 ≤ x < threshold) can lie anywhere in an interval at
//!   least the threshold wide;
//! - no other hidden count above zero can be worked out exactly.
//!
//! The summaries are built through `summary::build`, as the app makes them, from random
//! municipalities. The mutation check applies the rule the summary used before (each table and
//! column on its own) and shows that the same attacker finds what it gave away.

// Index loops over parallel tables read more clearly here than zipped iterators.
#![allow(clippy::needless_range_loop)]

mod support;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use indsats_core::model::{Code, Enrolment, InitiativeType, Measure};
use indsats_core::validate::Lang;
use indsats_report::results::{InitiativeResults, initiative_results};
use indsats_report::summary::{self, Cell, Data, HORIZONS, Params, Provenance, ResultColumn, Summary};
use indsats_report::{Case, Computed, Period, Status, compute};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use proptest::prelude::*;

// ---- The attacker's linear programs -------------------------------------------------------------

/// A linear expression over the attacker's unknowns: a constant plus (unknown, coefficient) terms.
#[derive(Clone, Debug, Default)]
struct Lin {
    c: f64,
    terms: Vec<(usize, f64)>,
}

impl Lin {
    fn constant(c: f64) -> Lin {
        Lin { c, terms: Vec::new() }
    }
    fn var(i: usize) -> Lin {
        Lin { c: 0.0, terms: vec![(i, 1.0)] }
    }
    /// `self + k × other`, with like terms merged.
    fn plus(&self, other: &Lin, k: f64) -> Lin {
        let mut terms: BTreeMap<usize, f64> = self.terms.iter().copied().collect();
        for (v, a) in &other.terms {
            *terms.entry(*v).or_default() += k * a;
        }
        Lin { c: self.c + k * other.c, terms: terms.into_iter().filter(|(_, a)| a.abs() > 1e-12).collect() }
    }
    fn minus(&self, other: &Lin) -> Lin {
        self.plus(other, -1.0)
    }
    fn scaled(&self, k: f64) -> Lin {
        Lin::constant(0.0).plus(self, k)
    }
    fn sum<'a>(xs: impl IntoIterator<Item = &'a Lin>) -> Lin {
        xs.into_iter().fold(Lin::constant(0.0), |a, x| a.plus(x, 1.0))
    }
    fn known(&self) -> bool {
        self.terms.is_empty()
    }
    fn at(&self, x: &[f64]) -> f64 {
        self.c + self.terms.iter().map(|(v, a)| a * x[*v]).sum::<f64>()
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Rel {
    /// expression = 0
    Eq,
    /// expression ≤ 0
    Le,
}

/// A hidden count the attacker tries to pin down.
struct Query {
    what: String,
    expr: Lin,
    truth: f64,
    /// Hidden because it is small: its interval must be at least the threshold wide.
    small: bool,
}

struct Attacker {
    threshold: u64,
    /// The true value of each unknown (to check that the relations written down are true).
    truth: Vec<f64>,
    rels: Vec<(Lin, Rel)>,
    queries: Vec<Query>,
}

impl Attacker {
    fn new(threshold: u64) -> Attacker {
        Attacker { threshold, truth: Vec::new(), rels: Vec::new(), queries: Vec::new() }
    }

    /// A count: known when some published cell gives it, else an unknown.
    fn count(&mut self, known: bool, value: u64) -> Lin {
        if known {
            Lin::constant(value as f64)
        } else {
            self.truth.push(value as f64);
            Lin::var(self.truth.len() - 1)
        }
    }
    fn eq(&mut self, a: &Lin, b: &Lin) {
        self.rels.push((a.minus(b), Rel::Eq));
    }
    fn le(&mut self, a: &Lin, b: &Lin) {
        self.rels.push((a.minus(b), Rel::Le));
    }

    /// A count behind a hidden cell. One that a published cell gives directly is not hidden.
    fn hidden(&mut self, what: String, expr: Lin, truth: u64) {
        if !expr.known() {
            let small = truth > 0 && truth < self.threshold;
            self.queries.push(Query { what, expr, truth: truth as f64, small });
        }
    }

    /// Relations that do not hold for the true values mean the model is wrong, not the summary.
    fn check_model(&self) -> Vec<String> {
        let mut wrong = Vec::new();
        for (n, (e, r)) in self.rels.iter().enumerate() {
            let v = e.at(&self.truth);
            if (*r == Rel::Eq && v.abs() > 1e-6) || (*r == Rel::Le && v > 1e-6) {
                wrong.push(format!("relation {n} ({r:?}) is {v} for the true values"));
            }
        }
        wrong
    }

    /// The least and the greatest value `expr` can take (±∞ when unbounded), solving only over
    /// the unknowns linked to it through some chain of relations.
    fn bounds(&self, expr: &Lin, parts: &Parts) -> (f64, f64) {
        let roots: Vec<usize> = {
            let mut r: Vec<usize> = expr.terms.iter().map(|(v, _)| parts.root(*v)).collect();
            r.sort_unstable();
            r.dedup();
            r
        };
        let vars: Vec<usize> = roots.iter().flat_map(|r| parts.vars[r].iter().copied()).collect();
        let index: BTreeMap<usize, usize> = vars.iter().enumerate().map(|(i, v)| (*v, i)).collect();
        let solve = |direction: OptimizationDirection| -> f64 {
            let mut objective = vec![0.0; vars.len()];
            for (v, a) in &expr.terms {
                objective[index[v]] += a;
            }
            let mut p = Problem::new(direction);
            let xs: Vec<_> = objective.iter().map(|a| p.add_var(*a, (0.0, f64::INFINITY))).collect();
            for r in &roots {
                for &n in &parts.rels[r] {
                    let (e, rel) = &self.rels[n];
                    let terms: Vec<_> = e.terms.iter().map(|(v, a)| (xs[index[v]], *a)).collect();
                    let op = if *rel == Rel::Eq { ComparisonOp::Eq } else { ComparisonOp::Le };
                    p.add_constraint(terms.as_slice(), op, -e.c);
                }
            }
            match p.solve() {
                Ok(outcome) => match outcome.into_solution() {
                    Ok(s) => s.objective() + expr.c,
                    Err(e) => panic!("the solver stopped: {e:?}"),
                },
                Err(microlp::Error::Unbounded) => {
                    if direction == OptimizationDirection::Maximize {
                        f64::INFINITY
                    } else {
                        f64::NEG_INFINITY
                    }
                }
                Err(e) => panic!("the solver failed on {expr:?}: {e:?}"),
            }
        };
        (solve(OptimizationDirection::Minimize), solve(OptimizationDirection::Maximize))
    }

    /// Every hidden count the attacker pins down or bounds too narrowly.
    fn findings(&self) -> Vec<String> {
        let mut out = self.check_model();
        if !out.is_empty() {
            return out;
        }
        let parts = Parts::of(self);
        let t = self.threshold as f64;
        for q in &self.queries {
            let (lo, hi) = self.bounds(&q.expr, &parts);
            if q.small && hi - lo < t - 1e-6 {
                out.push(format!("{} = {} (small) lies in [{lo:.3}, {hi:.3}], narrower than {t}", q.what, q.truth));
            } else if q.truth > 0.0 && hi - lo < 1e-6 {
                out.push(format!("{} = {} is worked out exactly ({lo:.3})", q.what, q.truth));
            }
        }
        out
    }

    /// The attacker's bounds on one query, by name (for tests that look at one cell).
    fn bounds_of(&self, what: &str) -> Option<(f64, f64)> {
        let parts = Parts::of(self);
        self.queries.iter().find(|q| q.what == what).map(|q| self.bounds(&q.expr, &parts))
    }
}

/// The unknowns split into parts that no relation links: each query is solved over its part only.
struct Parts {
    parent: Vec<usize>,
    vars: BTreeMap<usize, Vec<usize>>,
    rels: BTreeMap<usize, Vec<usize>>,
}

impl Parts {
    fn of(a: &Attacker) -> Parts {
        let mut parent: Vec<usize> = (0..a.truth.len()).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for (e, _) in &a.rels {
            if let Some((first, _)) = e.terms.first() {
                for (v, _) in &e.terms[1..] {
                    let (x, y) = (find(&mut parent, *first), find(&mut parent, *v));
                    parent[x] = y;
                }
            }
        }
        for v in 0..parent.len() {
            let r = find(&mut parent, v);
            parent[v] = r;
        }
        let mut vars: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for v in 0..parent.len() {
            vars.entry(parent[v]).or_default().push(v);
        }
        let mut rels: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (n, (e, _)) in a.rels.iter().enumerate() {
            if let Some((v, _)) = e.terms.first() {
                rels.entry(parent[*v]).or_default().push(n);
            }
        }
        for r in vars.keys() {
            rels.entry(*r).or_default();
        }
        Parts { parent, vars, rels }
    }
    fn root(&self, v: usize) -> usize {
        self.parent[v]
    }
}

// ---- What the summary's numbers are, recomputed from the data ----------------------------------

/// The counts behind one row of the results tables.
#[derive(Clone, Default, Debug)]
struct Row {
    /// Participants, starts, starts with a programme start (the mean days' count).
    p: u64,
    s: u64,
    m: u64,
    days: i64,
    hours: f64,
    /// Enrolments ended in the period; of them completed, dropped out.
    e: u64,
    nc: u64,
    nd: u64,
    /// Per horizon: enrolments followed up; of them employed, in education, self-supporting.
    f: [u64; 4],
    ne: [u64; 4],
    ni: [u64; 4],
    ns: [u64; 4],
}

impl Row {
    fn from(r: &InitiativeResults) -> Row {
        let mut row = Row {
            p: u64::from(r.participants),
            s: u64::from(r.starts),
            m: u64::from(r.days_n),
            days: r.days_to_start_total,
            hours: r.hours,
            e: u64::from(r.completed.denominator),
            nc: u64::from(r.completed.numerator),
            nd: u64::from(r.dropped_out.numerator),
            ..Row::default()
        };
        for h in 0..4 {
            row.f[h] = u64::from(r.employed[h].denominator);
            row.ne[h] = u64::from(r.employed[h].numerator);
            row.ni[h] = u64::from(r.in_education[h].numerator);
            row.ns[h] = u64::from(r.self_supporting[h].numerator);
        }
        row
    }
    fn add(&mut self, o: &Row) {
        self.p += o.p;
        self.s += o.s;
        self.m += o.m;
        self.days += o.days;
        self.hours += o.hours;
        self.e += o.e;
        self.nc += o.nc;
        self.nd += o.nd;
        for h in 0..4 {
            self.f[h] += o.f[h];
            self.ne[h] += o.ne[h];
            self.ni[h] += o.ni[h];
            self.ns[h] += o.ns[h];
        }
    }
    fn base(&self, b: Base) -> u64 {
        match b {
            Base::P => self.p,
            Base::S => self.s,
            Base::M => self.m,
            Base::E => self.e,
            Base::Nc => self.nc,
            Base::Nd => self.nd,
            Base::F(h) => self.f[h],
            Base::Ne(h) => self.ne[h],
            Base::Ni(h) => self.ni[h],
            Base::Ns(h) => self.ns[h],
        }
    }
    /// What the summary should show in `col`.
    fn value(&self, col: ResultColumn) -> Option<f64> {
        let share = |n: u64, d: u64| (d > 0).then(|| n as f64 * 100.0 / d as f64);
        match col {
            ResultColumn::Participants => Some(self.p as f64),
            ResultColumn::Starts => Some(self.s as f64),
            ResultColumn::Hours => Some(self.hours.round()),
            ResultColumn::DaysToStart => (self.m > 0).then(|| self.days as f64 / self.m as f64),
            ResultColumn::CompletedShare => share(self.nc, self.e),
            ResultColumn::DroppedShare => share(self.nd, self.e),
            ResultColumn::Employed(n) => share(self.ne[horizon(n)], self.f[horizon(n)]),
            ResultColumn::InEducation(n) => share(self.ni[horizon(n)], self.f[horizon(n)]),
            ResultColumn::SelfSupporting(n) => share(self.ns[horizon(n)], self.f[horizon(n)]),
        }
    }
}

fn horizon(months: u32) -> usize {
    HORIZONS.iter().position(|h| *h == months).unwrap_or(0)
}

/// The counts behind the results tables' cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Base {
    P,
    S,
    M,
    E,
    Nc,
    Nd,
    F(usize),
    Ne(usize),
    Ni(usize),
    Ns(usize),
}

/// The counts a published cell of `col` gives the attacker (a share: its numerator and its
/// denominator; a mean: how many it is over).
fn reveals(col: ResultColumn) -> Vec<Base> {
    match col {
        ResultColumn::Participants => vec![Base::P],
        ResultColumn::Hours => vec![],
        ResultColumn::Starts => vec![Base::S],
        ResultColumn::DaysToStart => vec![Base::M],
        ResultColumn::CompletedShare => vec![Base::E, Base::Nc],
        ResultColumn::DroppedShare => vec![Base::E, Base::Nd],
        ResultColumn::Employed(n) => vec![Base::F(horizon(n)), Base::Ne(horizon(n))],
        ResultColumn::InEducation(n) => vec![Base::F(horizon(n)), Base::Ni(horizon(n))],
        ResultColumn::SelfSupporting(n) => vec![Base::F(horizon(n)), Base::Ns(horizon(n))],
    }
}

/// The results tables' numbers in the summary's order: initiatives by title, types in their order.
struct Results {
    leaves: Vec<(String, InitiativeType, Row)>,
    kinds: Vec<InitiativeType>,
    types: Vec<Row>,
    total: Row,
}

fn results(data: &Data, p: &Params) -> Results {
    let r = initiative_results(&data.initiatives, &data.enrolments, &data.cases, p.period, p.as_of);
    let mut initiatives: Vec<_> = data.initiatives.iter().collect();
    initiatives.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    let leaves: Vec<(String, InitiativeType, Row)> =
        initiatives.iter().map(|i| (i.title.clone(), i.kind, r.get(&i.id).map(Row::from).unwrap_or_default())).collect();
    let mut kinds: Vec<InitiativeType> = leaves.iter().map(|l| l.1).collect();
    kinds.sort();
    kinds.dedup();
    let mut types = vec![Row::default(); kinds.len()];
    let mut total = Row::default();
    for (_, k, row) in &leaves {
        if let Some(g) = kinds.iter().position(|x| x == k) {
            types[g].add(row);
        }
        total.add(row);
    }
    Results { leaves, kinds, types, total }
}

/// Which results cells are hidden: per initiative, per type, and the totals of each table.
struct ResultsHidden {
    leaves: Vec<Vec<bool>>,
    types: Vec<Vec<bool>>,
    totals: [Vec<bool>; 2],
}

fn results_hidden(s: &Summary) -> ResultsHidden {
    let hidden = |cells: &[Cell]| cells.iter().map(|c| *c == Cell::Suppressed).collect::<Vec<_>>();
    ResultsHidden {
        leaves: s.by_initiative.rows.iter().map(|r| hidden(&r.cells)).collect(),
        types: s.by_type.rows.iter().map(|r| hidden(&r.cells)).collect(),
        totals: [hidden(&s.by_initiative.totals), hidden(&s.by_type.totals)],
    }
}

/// What the summary publishes in its results tables is what the data says, and nothing small.
fn check_results(s: &Summary, r: &Results, t: u64) -> Vec<String> {
    let mut out = Vec::new();
    let small = |v: u64| v > 0 && v < t;
    let columns = &s.by_initiative.columns;
    if s.by_initiative.rows.len() != r.leaves.len() || s.by_type.rows.len() != r.kinds.len() {
        return vec!["the tables do not have a row per initiative and per type".into()];
    }
    let mut rows: Vec<(String, &[Cell], &Row)> = Vec::new();
    for (row, (title, kind, truth)) in s.by_initiative.rows.iter().zip(&r.leaves) {
        if (&row.label, row.kind) != (title, *kind) {
            out.push(format!("row {} is not {title}", row.label));
        }
        rows.push((row.label.clone(), &row.cells, truth));
    }
    for (row, truth) in s.by_type.rows.iter().zip(&r.types) {
        rows.push((format!("type {}", row.kind.code()), &row.cells, truth));
    }
    rows.push(("total (initiatives)".into(), &s.by_initiative.totals, &r.total));
    rows.push(("total (types)".into(), &s.by_type.totals, &r.total));
    for (label, cells, truth) in rows {
        for (col, cell) in columns.iter().zip(cells) {
            match (*cell, truth.value(*col)) {
                (Cell::Suppressed, _) => {}
                (Cell::Missing, None) => {}
                (Cell::Value(v), Some(w)) if (v - w).abs() < 1e-9 => {}
                (c, w) => out.push(format!("{label} {col:?} shows {c:?}, the data says {w:?}")),
            }
            if *cell != Cell::Suppressed {
                let own: Vec<u64> = match col {
                    ResultColumn::Hours => vec![truth.p],
                    c => {
                        let b = reveals(*c);
                        match b.as_slice() {
                            [d, n] => vec![truth.base(*n), truth.base(*d) - truth.base(*n)],
                            bs => bs.iter().map(|b| truth.base(*b)).collect(),
                        }
                    }
                };
                if own.iter().any(|v| small(*v)) {
                    out.push(format!("{label} {col:?} is shown over a small count {own:?}"));
                }
            }
        }
    }
    out
}

/// The attacker's knowledge of the results tables.
fn model_results(a: &mut Attacker, r: &Results, hidden: &ResultsHidden, columns: &[ResultColumn]) {
    let mut bases: Vec<Base> = columns.iter().flat_map(|c| reveals(*c)).collect();
    bases.sort();
    bases.dedup();
    let known = |cells: &[bool], b: Base| columns.iter().zip(cells).any(|(c, h)| !*h && reveals(*c).contains(&b));
    let total_hidden: Vec<bool> = (0..columns.len()).map(|c| hidden.totals[0][c] && hidden.totals[1][c]).collect();
    // lin[b] = (per initiative, per type, total)
    let mut lin: BTreeMap<Base, (Vec<Lin>, Vec<Lin>, Lin)> = BTreeMap::new();
    for &b in &bases {
        let leaves: Vec<Lin> = r.leaves.iter().zip(&hidden.leaves).map(|((_, _, row), h)| a.count(known(h, b), row.base(b))).collect();
        let types: Vec<Lin> = r.types.iter().zip(&hidden.types).map(|(row, h)| a.count(known(h, b), row.base(b))).collect();
        let total = a.count(known(&total_hidden, b), r.total.base(b));
        // Every type is the sum of its initiatives; the total the sum of the types.
        for (g, k) in r.kinds.iter().enumerate() {
            let members: Vec<&Lin> = r.leaves.iter().zip(&leaves).filter(|((_, kind, _), _)| kind == k).map(|(_, l)| l).collect();
            a.eq(&types[g], &Lin::sum(members));
        }
        a.eq(&total, &Lin::sum(&types));
        lin.insert(b, (leaves, types, total));
    }
    let positions = r.leaves.len() + r.types.len() + 1;
    let at = |lin: &BTreeMap<Base, (Vec<Lin>, Vec<Lin>, Lin)>, b: Base, pos: usize| -> Lin {
        let (l, t, tot) = &lin[&b];
        if pos < l.len() {
            l[pos].clone()
        } else if pos < l.len() + t.len() {
            t[pos - l.len()].clone()
        } else {
            tot.clone()
        }
    };
    // Within each row: numerators within their denominators, completed and dropped out apart.
    for pos in 0..positions {
        let has = |b: Base| bases.contains(&b);
        if has(Base::M) && has(Base::S) {
            a.le(&at(&lin, Base::M, pos), &at(&lin, Base::S, pos));
        }
        if has(Base::E) {
            let e = at(&lin, Base::E, pos);
            let (nc, nd) = (at(&lin, Base::Nc, pos), at(&lin, Base::Nd, pos));
            a.le(&nc.plus(&nd, 1.0), &e);
            a.le(&nc, &e);
            a.le(&nd, &e);
        }
        for h in 0..4 {
            if has(Base::F(h)) {
                let f = at(&lin, Base::F(h), pos);
                for b in [Base::Ne(h), Base::Ni(h), Base::Ns(h)] {
                    if has(b) {
                        a.le(&at(&lin, b, pos), &f);
                    }
                }
            }
        }
    }
    // The hidden cells' counts.
    for pos in 0..positions {
        let (label, row, cells): (String, &Row, Vec<bool>) = if pos < r.leaves.len() {
            (r.leaves[pos].0.clone(), &r.leaves[pos].2, hidden.leaves[pos].clone())
        } else if pos < r.leaves.len() + r.types.len() {
            let g = pos - r.leaves.len();
            (format!("type {}", r.kinds[g].code()), &r.types[g], hidden.types[g].clone())
        } else {
            ("total".into(), &r.total, total_hidden.clone())
        };
        for (col, h) in columns.iter().zip(&cells) {
            if !*h {
                continue;
            }
            match reveals(*col).as_slice() {
                [d, n] => {
                    let (dl, nl) = (at(&lin, *d, pos), at(&lin, *n, pos));
                    a.hidden(format!("{label} {col:?} numerator"), nl.clone(), row.base(*n));
                    a.hidden(format!("{label} {col:?} outside"), dl.minus(&nl), row.base(*d) - row.base(*n));
                    // Not its denominator: another share over the same persons may publish that.
                }
                bs => {
                    for b in bs {
                        a.hidden(format!("{label} {col:?}"), at(&lin, *b, pos), row.base(*b));
                    }
                }
            }
        }
    }
}

/// One indicator's numbers, recomputed: the period, the period before and the begun months.
struct Numbers {
    key: String,
    measure: Measure,
    period: Computed,
    previous: Computed,
    months: Vec<Computed>,
    previous_months: usize,
}

fn numbers(data: &Data, p: &Params) -> Vec<Numbers> {
    data.indicators
        .iter()
        .filter(|i| i.measure != Measure::Manual)
        .map(|i| {
            let begun = |period: Period| period.months().into_iter().filter(|m| m.first_day() <= p.as_of).collect::<Vec<_>>();
            let months = if matches!(p.period, Period::Month { .. }) { Vec::new() } else { begun(p.period) };
            Numbers {
                key: i.key.clone(),
                measure: i.measure,
                period: compute(i.measure, p.period, &data.cases, p.as_of),
                previous: compute(i.measure, p.period.previous(), &data.cases, p.as_of),
                months: months.iter().map(|m| compute(i.measure, *m, &data.cases, p.as_of)).collect(),
                previous_months: begun(p.period.previous()).len().max(1),
            }
        })
        .collect()
}

/// For a share, those in its numerator and its denominator; for days to the first offer, the
/// persons it is a mean over (twice: it has no one outside).
fn nd(m: Measure, c: &Computed) -> (u64, u64) {
    if m == Measure::DaysToFirstOffer {
        (u64::from(c.denominator), u64::from(c.denominator))
    } else {
        (c.numerator.round() as u64, u64::from(c.denominator))
    }
}

fn monthly(m: Measure) -> bool {
    matches!(m, Measure::OrdinaryEmployment | Measure::Hours190)
}

/// Which indicators count over the same persons (their denominators are equal).
fn same_denominator(m: Measure) -> Option<u8> {
    match m {
        Measure::OrdinaryEmployment | Measure::Hours190 => Some(0),
        Measure::EducationStarted | Measure::EducationCompleted | Measure::CommunityParticipation => Some(1),
        _ => None,
    }
}

/// Which indicator cells are hidden.
struct IndicatorHidden {
    value: bool,
    persons: bool,
    previous: bool,
    months: Vec<bool>,
}

fn indicators_hidden(s: &Summary, numbers: &[Numbers]) -> Result<Vec<IndicatorHidden>, String> {
    let rows: BTreeMap<&str, &summary::IndicatorRow> = s.goals.iter().flat_map(|g| &g.indicators).map(|i| (i.key.as_str(), i)).collect();
    numbers
        .iter()
        .map(|n| {
            let row = rows.get(n.key.as_str()).ok_or(format!("{} is not in the summary", n.key))?;
            if row.trend.len() != n.months.len() {
                return Err(format!("{} has {} months, not {}", n.key, row.trend.len(), n.months.len()));
            }
            Ok(IndicatorHidden {
                value: row.value == Cell::Suppressed,
                persons: row.persons == Cell::Suppressed,
                previous: row.previous == Cell::Suppressed,
                months: row.trend.iter().map(|p| p.value == Cell::Suppressed).collect(),
            })
        })
        .collect()
}

/// The indicators show what the data says, nothing small, and no status for a hidden value.
fn check_indicators(s: &Summary, numbers: &[Numbers], t: u64) -> Vec<String> {
    let small = |v: u64| v > 0 && v < t;
    let rows: BTreeMap<&str, &summary::IndicatorRow> = s.goals.iter().flat_map(|g| &g.indicators).map(|i| (i.key.as_str(), i)).collect();
    let mut out = Vec::new();
    for n in numbers {
        let Some(row) = rows.get(n.key.as_str()) else { continue };
        let days = n.measure == Measure::DaysToFirstOffer;
        let mut check = |what: String, cell: Cell, c: &Computed, persons: u64| {
            let (num, den) = nd(n.measure, c);
            match (cell, c.value) {
                (Cell::Suppressed, _) | (Cell::Missing, None) => {}
                (Cell::Value(v), Some(w)) if (v - w).abs() < 1e-9 => {}
                (cell, w) => out.push(format!("{what} shows {cell:?}, the data says {w:?}")),
            }
            if cell != Cell::Suppressed && (small(persons) || (!days && small(den - num))) {
                out.push(format!("{what} is shown over a small count ({persons} persons, {} outside)", den - num));
            }
        };
        check(format!("{} value", n.key), row.value, &n.period, n.period.participants.len() as u64);
        check(format!("{} previous", n.key), row.previous, &n.previous, n.previous.participants.len() as u64);
        for (p, c) in row.trend.iter().zip(&n.months) {
            check(format!("{} {}", n.key, p.label), p.value, c, nd(n.measure, c).0);
        }
        let persons = n.period.participants.len() as u64;
        match row.persons {
            Cell::Suppressed => {}
            Cell::Value(v) if v == persons as f64 && !small(persons) => {}
            c => out.push(format!("{} persons shows {c:?} for {persons}", n.key)),
        }
        if row.value == Cell::Suppressed && row.status != Status::Unknown {
            out.push(format!("{} shows a status for a hidden value", n.key));
        }
    }
    out
}

/// The attacker's knowledge of the indicators.
fn model_indicators(a: &mut Attacker, numbers: &[Numbers], hidden: &[IndicatorHidden]) {
    // Per family of indicators over the same persons: the first member's denominators.
    let mut family: BTreeMap<u8, (Lin, Vec<Lin>, Lin)> = BTreeMap::new();
    for (n, h) in numbers.iter().zip(hidden) {
        let m = n.measure;
        let days = m == Measure::DaysToFirstOffer;
        let (num, den) = nd(m, &n.period);
        let persons = n.period.participants.len() as u64;
        // A value gives its numerator and denominator; the persons are the numerator unless the
        // measure counts person-months.
        let numerator_known = !h.value || (!monthly(m) && !h.persons);
        let big_n = a.count(numerator_known, num);
        let big_d = if days { big_n.clone() } else { a.count(!h.value, den) };
        let big_p = if monthly(m) { a.count(!h.persons, persons) } else { big_n.clone() };
        a.le(&big_n, &big_d);
        let months: Vec<(Lin, Lin)> = n
            .months
            .iter()
            .zip(&h.months)
            .map(|(c, hidden)| {
                let (k, d) = nd(m, c);
                let kl = a.count(!hidden, k);
                let dl = if days { kl.clone() } else { a.count(!hidden, d) };
                a.le(&kl, &dl);
                (kl, dl)
            })
            .collect();
        let (pn, pd) = nd(m, &n.previous);
        let prev_n = a.count(!h.previous, pn);
        let prev_d = if days { prev_n.clone() } else { a.count(!h.previous, pd) };
        let prev_p = if monthly(m) { a.count(false, n.previous.participants.len() as u64) } else { prev_n.clone() };
        a.le(&prev_n, &prev_d);
        let additive =
            matches!(m, Measure::OrdinaryEmployment | Measure::Hours190 | Measure::DanishTestWithin5y | Measure::DaysToFirstOffer);
        if additive && !months.is_empty() {
            a.eq(&big_n, &Lin::sum(months.iter().map(|x| &x.0)));
            a.eq(&big_d, &Lin::sum(months.iter().map(|x| &x.1)));
        }
        if monthly(m) {
            // Each month's employed are among the period's persons, each of whom is counted in
            // at least one and at most every month.
            for (k, _) in &months {
                a.le(k, &big_p);
            }
            a.le(&big_p, &big_n);
            a.le(&big_n, &big_p.scaled(months.len().max(1) as f64));
            a.le(&prev_p, &prev_n);
            a.le(&prev_n, &prev_p.scaled(n.previous_months as f64));
        }
        if matches!(m, Measure::EducationStarted | Measure::EducationCompleted | Measure::CommunityParticipation) {
            // Active in a month means active in the period, and a mark in the month is one in it.
            for (k, d) in &months {
                a.le(k, &big_n);
                a.le(d, &big_d);
            }
        }
        if !additive && !months.is_empty() {
            // Progression is measured on the period's last day, as its last month is; a period
            // of which one month has begun is computed as that month.
            let same = if m == Measure::ProgressionUp || months.len() == 1 { months.last() } else { None };
            if let Some((k, d)) = same {
                a.eq(k, &big_n);
                a.eq(d, &big_d);
            }
        }
        if let Some(f) = same_denominator(m) {
            match family.get(&f) {
                Some((d0, months0, prev0)) => {
                    let (d0, months0, prev0) = (d0.clone(), months0.clone(), prev0.clone());
                    a.eq(&big_d, &d0);
                    for ((_, d), d0) in months.iter().zip(&months0) {
                        a.eq(d, d0);
                    }
                    a.eq(&prev_d, &prev0);
                }
                None => {
                    family.insert(f, (big_d.clone(), months.iter().map(|x| x.1.clone()).collect(), prev_d.clone()));
                }
            }
        }
        // The hidden cells' counts.
        let key = &n.key;
        if h.value || h.persons {
            a.hidden(format!("{key} persons"), big_p.clone(), persons);
        }
        if h.value {
            if !days {
                a.hidden(format!("{key} outside"), big_d.minus(&big_n), den - num);
            }
            if monthly(m) {
                a.hidden(format!("{key} numerator"), big_n.clone(), num);
            }
        }
        if h.previous {
            a.hidden(format!("{key} previous persons"), prev_p.clone(), n.previous.participants.len() as u64);
            if !days {
                a.hidden(format!("{key} previous outside"), prev_d.minus(&prev_n), pd - pn);
            }
            if monthly(m) {
                a.hidden(format!("{key} previous numerator"), prev_n.clone(), pn);
            }
        }
        for (i, ((k, d), c)) in months.iter().zip(&n.months).enumerate() {
            if h.months[i] {
                let (kv, dv) = nd(m, c);
                a.hidden(format!("{key} month {} numerator", i + 1), k.clone(), kv);
                if !days {
                    a.hidden(format!("{key} month {} outside", i + 1), d.minus(k), dv - kv);
                }
            }
        }
    }
}

// ---- Building summaries as the app does -----------------------------------------------------------

fn provenance(p: &Params) -> Provenance {
    Provenance {
        generated_at: "2026-11-24T09:00:00Z".into(),
        generated_by: "test (team lead)".into(),
        snapshot: "0".repeat(64),
        as_of: p.as_of,
        threshold: p.threshold,
        version: "test".into(),
    }
}

fn build(data: &Data, p: &Params) -> Summary {
    summary::build(data, p, provenance(p)).unwrap()
}

/// Everything wrong with a summary: what it shows against the data, and what the attacker finds.
fn attack(data: &Data, p: &Params, s: &Summary) -> Vec<String> {
    let r = results(data, p);
    let n = numbers(data, p);
    let mut out = check_results(s, &r, p.threshold);
    out.extend(check_indicators(s, &n, p.threshold));
    match indicators_hidden(s, &n) {
        Ok(ih) => out.extend(findings(data, p, &results_hidden(s), &ih)),
        Err(e) => out.push(e),
    }
    out
}

/// What the attacker finds when the cells in `rh` and `ih` are hidden and everything else shown.
fn findings(data: &Data, p: &Params, rh: &ResultsHidden, ih: &[IndicatorHidden]) -> Vec<String> {
    let mut a = Attacker::new(p.threshold);
    model_results(&mut a, &results(data, p), rh, &summary::result_columns());
    model_indicators(&mut a, &numbers(data, p), ih);
    a.findings()
}

fn period_of(kind: u8, which: u32) -> Period {
    match kind {
        0 => Period::Month { year: 2026, month: 1 + which % 11 },
        1 => Period::Quarter { year: 2026, quarter: 1 + which % 4 },
        _ => Period::Year(2025 + (which % 2) as i32),
    }
}

fn params(period: Period, shift: i64, threshold: u64) -> Params {
    let as_of = (period.first_day() + Duration::days(shift)).min(support::today());
    Params { period, as_of, lang: Lang::Da, threshold }
}

fn size(participants: usize, seed: u64) -> support::Size {
    support::Size { participants, initiatives: (participants / 20).clamp(3, 40), types: 2 + (seed % 6) as usize }
}

proptest! {
    // Each case solves a few hundred small linear programs; 24 cases take seconds in debug mode.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_reader_with_every_file_can_neither_work_out_nor_narrow_a_hidden_count(
        participants in 100usize..=1000,
        seed in any::<u64>(),
        kind in 0u8..3,
        which in 0u32..12,
        shift in 0i64..420,
        threshold in prop_oneof![3 => Just(5u64), 2 => 3u64..8],
    ) {
        let data = support::municipality(size(participants, seed), seed);
        let p = params(period_of(kind, which), shift, threshold);
        let s = build(&data, &p);
        let found = attack(&data, &p, &s);
        prop_assert!(found.is_empty(), "{} {}: {:#?}", p.period, p.as_of, found);
    }
}

// ---- The mutation check: the rule the summary used before ---------------------------------------

/// The old rule for one column published with its total: hide the small counts, and when that
/// hides exactly one, the smallest other count above zero.
fn old_column(values: &[u64], t: u64) -> (Vec<bool>, bool) {
    let small = |v: u64| v > 0 && v < t;
    let mut hidden: Vec<bool> = values.iter().map(|v| small(*v)).collect();
    let total: u64 = values.iter().sum();
    if hidden.iter().filter(|h| **h).count() == 1 && !small(total) {
        let pick = values.iter().enumerate().filter(|(i, v)| !hidden[*i] && **v > 0).min_by_key(|(i, v)| (**v, *i)).map(|(i, _)| i);
        if let Some(i) = pick {
            hidden[i] = true;
        }
    }
    (hidden, small(total))
}

/// The old rule: each table, and each column of it, protected on its own against its total.
fn old_rule(r: &Results, columns: &[ResultColumn], t: u64) -> ResultsHidden {
    let table = |rows: Vec<&Row>| -> (Vec<Vec<bool>>, Vec<bool>) {
        let mut cells = vec![vec![false; columns.len()]; rows.len()];
        let mut totals = vec![false; columns.len()];
        for (ci, col) in columns.iter().enumerate() {
            let counts: Vec<Vec<u64>> = match col {
                ResultColumn::Participants | ResultColumn::Hours => vec![rows.iter().map(|x| x.p).collect()],
                c => match reveals(*c).as_slice() {
                    [d, n] => vec![rows.iter().map(|x| x.base(*n)).collect(), rows.iter().map(|x| x.base(*d) - x.base(*n)).collect()],
                    bs => bs.iter().map(|b| rows.iter().map(|x| x.base(*b)).collect()).collect(),
                },
            };
            for values in counts {
                let (h, th) = old_column(&values, t);
                for (row, h) in h.iter().enumerate() {
                    cells[row][ci] |= *h;
                }
                totals[ci] |= th;
            }
        }
        (cells, totals)
    };
    let (leaves, t0) = table(r.leaves.iter().map(|l| &l.2).collect());
    let (types, t1) = table(r.types.iter().collect());
    ResultsHidden { leaves, types, totals: [t0, t1] }
}

fn findings_of_old_rule(data: &Data, p: &Params) -> Vec<String> {
    let r = results(data, p);
    let columns = summary::result_columns();
    let mut a = Attacker::new(p.threshold);
    model_results(&mut a, &r, &old_rule(&r, &columns, p.threshold), &columns);
    a.findings()
}

/// The leak, made small: an initiative of 4 participants is hidden with one of another
/// type; its own type (17) and its sibling (13) are shown, so 17 − 13 = 4.
fn four_of_seventeen() -> Data {
    let (goals, indicators) = support::indicators();
    let kinds = [InitiativeType::WorkPlacement, InitiativeType::WorkPlacement, InitiativeType::Mentor, InitiativeType::Mentor];
    let sizes = [4usize, 13, 6, 40];
    let initiatives: Vec<_> = kinds.iter().enumerate().map(|(n, k)| support::initiative(n, *k)).collect();
    let mut cases = Vec::new();
    let mut enrolments = Vec::new();
    for (i, n) in sizes.iter().enumerate() {
        for _ in 0..*n {
            let id = support::participant(cases.len());
            cases.push(Case::from_events(id, Some(support::d(2025, 1, 1)), Some(support::d(2025, 1, 1)), None, &[]));
            enrolments.push(Enrolment {
                id: indsats_core::ids::EnrolmentId::new(1_700_000_000_000 + enrolments.len() as u64, [1; 10]),
                participant: id,
                initiative: initiatives[i].id,
                start: support::d(2026, 2, 1),
                end: None,
                outcome: None,
            });
        }
    }
    cases.sort_by_key(|c| c.id);
    Data { strategy: String::new(), goals, indicators, cases, manual: Vec::new(), initiatives, enrolments }
}

fn year_2026() -> Params {
    Params { period: Period::Year(2026), as_of: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), lang: Lang::Da, threshold: 5 }
}

#[test]
fn the_attacker_works_out_what_the_old_rule_gave_away_and_not_what_the_summary_hides() {
    let data = four_of_seventeen();
    let p = year_2026();
    let found = findings_of_old_rule(&data, &p);
    assert!(found.iter().any(|f| f.starts_with("Indsats 00000 Participants = 4 (small) lies in [4.000, 4.000]")), "{found:#?}");

    let s = build(&data, &p);
    assert_eq!(attack(&data, &p, &s), Vec::<String>::new());
    // The summary hides the sibling too: the 4 can now be anything from 0 to 17.
    let r = results(&data, &p);
    let mut a = Attacker::new(5);
    model_results(&mut a, &r, &results_hidden(&s), &s.by_initiative.columns);
    let (lo, hi) = a.bounds_of("Indsats 00000 Participants").unwrap();
    assert!((lo, hi) == (0.0, 17.0), "[{lo}, {hi}]");
}

#[test]
fn the_old_rule_leaks_in_random_municipalities_and_the_new_one_does_not() {
    let mut leaking = 0;
    for seed in 0..8u64 {
        let data = support::municipality(size(400, seed), seed);
        let p = params(Period::Year(2026), 400, 5);
        if !findings_of_old_rule(&data, &p).is_empty() {
            leaking += 1;
        }
        let s = build(&data, &p);
        assert_eq!(attack(&data, &p, &s), Vec::<String>::new(), "seed {seed}");
    }
    assert!(leaking >= 6, "the old rule leaked in only {leaking} of 8 municipalities");
}

#[test]
fn the_attacker_pins_a_lone_hidden_cell_and_bounds_a_pair() {
    // Independent of the summary: a total of 20 over cells 3 (hidden) and 17 (shown) gives the 3;
    // hiding the 17 too leaves [0, 20].
    for (shown, expected) in [(true, (3.0, 3.0)), (false, (0.0, 20.0))] {
        let mut a = Attacker::new(5);
        let x = a.count(false, 3);
        let y = a.count(shown, 17);
        let total = a.count(true, 20);
        a.eq(&total, &x.plus(&y, 1.0));
        a.hidden("x".into(), x, 3);
        assert_eq!(a.bounds_of("x"), Some(expected));
        assert_eq!(a.findings().is_empty(), !shown);
    }
}

#[test]
fn the_same_data_in_another_order_gives_the_same_summary() {
    let data = support::municipality(size(600, 11), 11);
    let p = params(Period::Quarter { year: 2026, quarter: 2 }, 200, 5);
    let s = build(&data, &p);
    let mut shuffled =
        Data { initiatives: data.initiatives.clone(), enrolments: data.enrolments.clone(), ..support::municipality(size(600, 11), 11) };
    shuffled.initiatives.reverse();
    shuffled.enrolments.reverse();
    shuffled.indicators.rotate_left(3);
    let again = build(&shuffled, &p);
    assert_eq!(again.by_initiative, s.by_initiative);
    assert_eq!(again.by_type, s.by_type);
    assert_eq!(again.suppressed, s.suppressed);
    let keyed = |s: &Summary| {
        let mut rows: Vec<summary::IndicatorRow> = s.goals.iter().flat_map(|g| g.indicators.clone()).collect();
        rows.sort_by(|a, b| a.key.cmp(&b.key));
        rows
    };
    assert_eq!(keyed(&again), keyed(&s));
    assert_eq!(build(&data, &p), s);
}

// ---- Why each rule of the indicators is there -----------------------------------------------------

fn case(n: usize, start: NaiveDate, events: Vec<(NaiveDate, indsats_core::event::EventDetails)>) -> Case {
    Case::from_events(support::participant(n), Some(start), Some(start), None, &events)
}

fn only_cases(cases: Vec<Case>) -> Data {
    let (goals, indicators) = support::indicators();
    Data { strategy: String::new(), goals, indicators, cases, manual: Vec::new(), initiatives: Vec::new(), enrolments: Vec::new() }
}

fn position(n: &[Numbers], key: &str) -> usize {
    n.iter().position(|x| x.key == key).unwrap()
}

#[test]
fn shares_over_the_same_persons_hide_their_period_together() {
    use indsats_core::event::{CommunityKind, EventDetails};
    // 20 active in 2026; the 18 active in January all had a community event then; the 2 who
    // start in June have none. Community is 18 of 20: 2 outside it, hidden.
    let mut cases: Vec<Case> = (0..18)
        .map(|n| {
            case(n, support::d(2025, 1, 1), vec![(support::d(2026, 1, 10), EventDetails::Community { kind: CommunityKind::Association })])
        })
        .collect();
    cases.extend((18..20).map(|n| case(n, support::d(2026, 6, 1), vec![])));
    cases.sort_by_key(|c| c.id);
    let data = only_cases(cases);
    let p = year_2026();
    let s = build(&data, &p);
    assert_eq!(attack(&data, &p, &s), Vec::<String>::new());
    let n = numbers(&data, &p);
    let mut ih = indicators_hidden(&s, &n).unwrap();
    let (community, started) = (position(&n, "community"), position(&n, "education_started"));
    assert!(ih[community].value && ih[started].value, "education started (0 of 20) is hidden with community");
    // Shown, education started would give the 20: January's 18 (all in it) leave at most 2 outside.
    ih[started].value = false;
    ih[started].persons = false;
    let found = findings(&data, &p, &results_hidden(&s), &ih);
    assert!(found.iter().any(|f| f.starts_with("community outside = 2 (small) lies in [0.000, 2.000]")), "{found:#?}");
}

#[test]
fn persons_of_a_person_month_measure_are_hidden_when_they_would_cap_hidden_months() {
    use indsats_core::event::{EmploymentKind, EventDetails};
    let job = |day| (day, EventDetails::EmploymentStarted { kind: EmploymentKind::Ordinary, hours_per_week: 20.0 });
    // 20 active all year; 2 employed since 2025, 4 more from February: January has 2 employed.
    let cases: Vec<Case> = (0..20)
        .map(|n| {
            let events = match n {
                0 | 1 => vec![job(support::d(2025, 6, 1))],
                2..6 => vec![job(support::d(2026, 2, 1))],
                _ => vec![],
            };
            case(n, support::d(2025, 1, 1), events)
        })
        .collect();
    let data = only_cases(cases);
    let p = year_2026();
    let s = build(&data, &p);
    assert_eq!(attack(&data, &p, &s), Vec::<String>::new());
    let n = numbers(&data, &p);
    let mut ih = indicators_hidden(&s, &n).unwrap();
    let mm13 = position(&n, "ordinary_employment");
    assert!(!ih[mm13].value && ih[mm13].months[0] && ih[mm13].persons, "the value is shown, January and the 6 persons hidden");
    // Shown, the 6 persons cap every hidden month at 6, and the hidden months' sum pushes January up.
    ih[mm13].persons = false;
    let found = findings(&data, &p, &results_hidden(&s), &ih);
    assert!(found.iter().any(|f| f.starts_with("ordinary_employment month 1 numerator = 2 (small) lies in [2.000, 6.000]")), "{found:#?}");
}
