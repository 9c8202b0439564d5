// The stage slider is one axis through her year: 0-40 are pregnancy weeks 0-40, 40-92
// postpartum weeks 0-52 (delivery at week 40 on this axis, whatever her delivery week).
export const PREGNANCY_WEEKS = 40;
export const POSTPARTUM_WEEKS = 52;
export const SLIDER_MAX = PREGNANCY_WEEKS + POSTPARTUM_WEEKS;

export function stageOf(sliderValue) {
  const v = Number(sliderValue);
  return v <= PREGNANCY_WEEKS ? { stage: 'pregnant', week: v } : { stage: 'postpartum', week: v - PREGNANCY_WEEKS };
}

export function sliderOf(stage, week) {
  return stage === 'pregnant' ? week : PREGNANCY_WEEKS + week;
}

export function stageLabel({ stage, week }) {
  return stage === 'pregnant' ? (week === 0 ? 'not yet pregnant (week 0)' : `pregnant, week ${week}`)
                              : `postpartum, week ${week}`;
}

// The subject object the API reads (the fields of a subject file).
export function subjectOf({ height_m, mass_kg, slider, breastfeeding, delivery }) {
  const { stage, week } = stageOf(slider);
  const s = { name: 'viewer', height_m, pre_pregnancy_mass_kg: mass_kg, stage, week };
  if (stage === 'postpartum') Object.assign(s, { delivery, breastfeeding: { active: breastfeeding } });  // postpartum fields
  return s;
}
