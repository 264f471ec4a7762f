// Search attributes every incident workflow keeps current (DESIGN.md §3). The dev-server start
// registers them; production clusters register them once with `temporal operator search-attribute create`.

export const SEARCH_ATTRIBUTES = {
  FirebreakIncident: 'Keyword',
  FirebreakSeverity: 'Keyword',
  FirebreakPhase: 'Keyword',
  FirebreakServices: 'KeywordList',
} as const;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;
