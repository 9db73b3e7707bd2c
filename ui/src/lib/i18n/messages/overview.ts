// Messages of the "overview" area, Danish first. Keys are "overview.something"; both languages have the same keys.
export default {
  da: {
  } as Record<string, string>,
  en: {
  } as Record<string, string>,
};
