/** Survey scales and what counts as a low (service-recovery) score on each. */
export type SurveyKind = 'csat' | 'nps';

export interface SurveyScale {
  kind: SurveyKind;
  min: number;
  max: number;
  /** Scores at or below this are low: CSAT 1–2 ("dissatisfied"), NPS 0–6 ("detractors"). */
  lowMax: number;
}

export const SCALES: Record<SurveyKind, SurveyScale> = {
  csat: { kind: 'csat', min: 1, max: 5, lowMax: 2 },
  nps: { kind: 'nps', min: 0, max: 10, lowMax: 6 },
};

export const scaleScores = (s: SurveyScale): number[] => Array.from({ length: s.max - s.min + 1 }, (_, i) => s.min + i);

export const isValidScore = (s: SurveyScale, score: number): boolean => Number.isInteger(score) && score >= s.min && score <= s.max;

export const isLowScore = (s: SurveyScale, score: number, lowMax: number = s.lowMax): boolean => score <= lowMax;
