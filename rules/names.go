package rules

// The parameters the formulas read. Each must exist in the embedded files
// with the unit given in schema (checked at load and by the tests).
const (
	// Retirement age (NPC Standing Committee decision of 2024-09-13 and the
	// State Council Measures): one set per category, prefixed
	// "retirement.<category>." with the category's dash as an underscore.
	parFirstDelayedBirth = "first_delayed_birth"   // year_month: first birth month with a delay
	parBirthMonthsStep   = "birth_months_per_step" // months: birth months per month of delay
	parMaxDelay          = "max_delay"             // months: the cap on the delay
	parFlexEarly         = "retirement.flexible_early_max"
	parFlexLate          = "retirement.flexible_late_max"
	parMinContribution   = "retirement.min_contribution_months"

	// Pension (国发〔2005〕38号 and Zhejiang's components).
	parCalcBase          = "pension.calc_base"
	parBasicRate         = "pension.basic_rate"
	parDivisor           = "pension.divisor"
	parTransitionalRate  = "pension.transitional_rate"
	parAdjustmentFixed   = "pension.adjustment_fixed"
	parAdjustmentPerUnit = "pension.adjustment_per_index_year"
	parSubsidy           = "pension.subsidy"
	parAccountRate       = "pension.account_rate"
	parCreditingRate     = "pension.crediting_rate"
	parCreditFactor      = "pension.credit_interest_factor"

	// Contributions.
	parAverageWage      = "contribution.average_wage"
	parAverageWageLag   = "contribution.average_wage_lag"
	parBaseFloor        = "contribution.base_floor"
	parBaseFloorRatio   = "contribution.base_floor_ratio"
	parBaseCeilingRatio = "contribution.base_ceiling_ratio"
	parLateFeeRate      = "contribution.late_fee_rate"
	parPensionEmployer  = "pension.employer_rate"
	parPensionIndiv     = "pension.individual_rate"
	parPensionFlexible  = "pension.flexible_rate"
	parMedicalEmployer  = "medical.employer_rate"
	parMedicalIndiv     = "medical.individual_rate"
	parUnempEmployer    = "unemployment.employer_rate"
	parUnempIndiv       = "unemployment.individual_rate"
	parWorkInjuryRate   = "work_injury.base_rate"
	parWorkInjuryMin    = "work_injury.float_min"
	parWorkInjuryMax    = "work_injury.float_max"

	// Unemployment insurance and the minimum wage.
	parUnempMinMonths   = "unemployment.min_contribution_months"
	parUnempMaxMonths   = "unemployment.max_months"
	parUnempTotalMonths = "unemployment.max_total_months"
	parUnempRatio       = "unemployment.benefit_ratio"
	parUnempToRetire    = "unemployment.until_retirement_within_months"
	parUnempMedicalBase = "unemployment.medical_base_floor_share"
	parUnempRefusals    = "unemployment.refusals_to_stop"
	parMinWageMonthly   = "minimum_wage.monthly"
	parMinWageHourly    = "minimum_wage.hourly"
	parMinWageTier      = "minimum_wage.tier"
)

type unitShape struct{ unit, key, of string }

// schema gives the unit of every parameter a formula reads.
var schema = func() map[string]unitShape {
	m := map[string]unitShape{
		parFlexEarly:         {UnitMonths, "", ""},
		parFlexLate:          {UnitMonths, "", ""},
		parMinContribution:   {UnitTable, "year", UnitMonths},
		parCalcBase:          {UnitYuanPerMonth, "", ""},
		parBasicRate:         {UnitRate, "", ""},
		parDivisor:           {UnitTable, "age_years", UnitMonths},
		parTransitionalRate:  {UnitRate, "", ""},
		parAdjustmentFixed:   {UnitYuanPerMonth, "", ""},
		parAdjustmentPerUnit: {UnitYuanPerMonth, "", ""},
		parSubsidy:           {UnitYuanPerMonth, "", ""},
		parAccountRate:       {UnitRate, "", ""},
		parCreditingRate:     {UnitRate, "", ""},
		parCreditFactor:      {UnitFactor, "", ""},
		parAverageWage:       {UnitYuanPerMonth, "", ""},
		parAverageWageLag:    {UnitMonths, "", ""},
		parBaseFloor:         {UnitYuanPerMonth, "", ""},
		parBaseFloorRatio:    {UnitFactor, "", ""},
		parBaseCeilingRatio:  {UnitFactor, "", ""},
		parLateFeeRate:       {UnitRatePerDay, "", ""},
		parPensionEmployer:   {UnitRate, "", ""},
		parPensionIndiv:      {UnitRate, "", ""},
		parPensionFlexible:   {UnitRate, "", ""},
		parMedicalEmployer:   {UnitRate, "", ""},
		parMedicalIndiv:      {UnitRate, "", ""},
		parUnempEmployer:     {UnitRate, "", ""},
		parUnempIndiv:        {UnitRate, "", ""},
		parWorkInjuryRate:    {UnitTable, "risk_class", UnitRate},
		parWorkInjuryMin:     {UnitTable, "risk_class", UnitFactor},
		parWorkInjuryMax:     {UnitTable, "risk_class", UnitFactor},
		parUnempMinMonths:    {UnitMonths, "", ""},
		parUnempMaxMonths:    {UnitTable, "contribution_years", UnitMonths},
		parUnempTotalMonths:  {UnitMonths, "", ""},
		parUnempRatio:        {UnitFactor, "", ""},
		parUnempToRetire:     {UnitMonths, "", ""},
		parUnempMedicalBase:  {UnitFactor, "", ""},
		parUnempRefusals:     {UnitCount, "", ""},
		parMinWageMonthly:    {UnitTable, "tier", UnitYuanPerMonth},
		parMinWageHourly:     {UnitTable, "tier", UnitYuan},
		parMinWageTier:       {UnitTier, "", ""},
	}
	for _, c := range categories {
		m[c.prefix+parFirstDelayedBirth] = unitShape{UnitYearMonth, "", ""}
		m[c.prefix+parBirthMonthsStep] = unitShape{UnitMonths, "", ""}
		m[c.prefix+parMaxDelay] = unitShape{UnitMonths, "", ""}
	}
	return m
}()
