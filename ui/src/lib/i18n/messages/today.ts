// Messages of the "today" area (the worklist), Danish first. Each entry is [key, Danish, English].

const entries: [string, string, string][] = [
  ['today.title', 'I dag', 'Today'],
  ['today.for_me', 'Mit arbejde', 'My work'],
  ['today.for_team', 'Hele teamet', 'The whole team'],
  ['today.show', 'Vis', 'Show'],
  ['today.overdue', 'Overskredet', 'Overdue'],
  ['today.this_week', 'Frist denne uge', 'Due this week'],
  ['today.upcoming', 'Kommende samtaler', 'Upcoming conversations'],
  ['today.quiet', 'Uden kontakt i {n} dage', 'Without contact for {n} days'],
  ['today.drafts', 'Åbne kladder', 'Open drafts'],
  ['today.workload', 'Arbejdsbyrde', 'Workload'],
  ['today.caseworker', 'Sagsbehandler', 'Caseworker'],
  ['today.open_cases', 'Åbne sager', 'Open cases'],
  ['today.overdue_items', 'Overskredne frister', 'Overdue items'],
  ['today.none', 'Intet her.', 'Nothing here.'],
  ['today.days_overdue', '{n} dage over fristen {date}', '{n} days past {date}'],
  ['today.due_on', 'frist {date}', 'due {date}'],
  ['today.progress', '{done} af {needed}', '{done} of {needed}'],
  ['today.illustrative', '(illustrativ regel)', '(illustrative rule)'],
  ['today.last_contact', 'seneste kontakt {date}', 'last contact {date}'],
  ['today.never', 'ingen kontakt registreret', 'no contact recorded'],
  ['today.log', 'Registrér', 'Log'],
  ['today.log_label', 'Registrér for {name}', 'Log for {name}'],
  ['today.keys', 'Tast R på en linje for at registrere.', 'Press R on a line to log.'],
  ['today.draft_saved', 'gemt {date}', 'saved {date}'],
  ['today.draft.progress', 'Registrering af fremskridt', 'Logging progress'],
  ['today.draft.participant', 'Ny deltager', 'New participant'],
  ['today.draft.case', 'En formular på en sag', 'A form on a case'],
  ['today.draft.other', 'En formular', 'A form'],
  ['today.continue', 'Fortsæt', 'Continue'],
  ['today.loading', 'Indlæser …', 'Loading …'],
];

export default {
  da: Object.fromEntries(entries.map(([k, da]) => [k, da])) as Record<string, string>,
  en: Object.fromEntries(entries.map(([k, , en]) => [k, en])) as Record<string, string>,
};
