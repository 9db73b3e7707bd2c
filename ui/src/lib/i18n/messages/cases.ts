// Messages of the "cases" area, Danish first. Keys are "cases.something"; both languages have the same keys.
export default {
  da: {
  } as Record<string, string>,
  en: {
  } as Record<string, string>,
};
