// Messages of the "shell" area, Danish first. Keys are "shell.something"; both languages have the same keys.
export default {
  da: {
  } as Record<string, string>,
  en: {
  } as Record<string, string>,
};
