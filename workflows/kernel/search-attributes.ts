import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const incidentKeyAttribute = defineSearchAttributeKey('FirebreakIncident', SearchAttributeType.KEYWORD);
export const severityAttribute = defineSearchAttributeKey('FirebreakSeverity', SearchAttributeType.KEYWORD);
export const phaseAttribute = defineSearchAttributeKey('FirebreakPhase', SearchAttributeType.KEYWORD);
export const servicesAttribute = defineSearchAttributeKey('FirebreakServices', SearchAttributeType.KEYWORD_LIST);
