package rules

import (
	"sort"
	"strconv"
	"strings"

	"hrss/rules/msg"
	"hrss/rules/period"
)

// Formula names one of the support programmes' eligibility and amount
// formulas (RULES.md §6). A programme is a formula with its own dates,
// target groups and parameters: a deployment adds or changes a programme
// whose formula exists by a parameter file, without code.
type Formula string

// The formulas of the support programmes.
const (
	// FormulaJobExpansion is the one-time job expansion subsidy (一次性扩岗补助):
	// an employer hires a person of the target groups, who is enrolled in
	// the required insurances and whose contributions are paid in full for
	// at least paid_months months; a fixed amount per hire, to the employer.
	FormulaJobExpansion Formula = "job_expansion"
	// FormulaStartupSubsidy is the one-time entrepreneurship subsidy
	// (一次性创业补贴): a person of the target groups starts a business for
	// the first time (their first self-employed enrolment) that runs for
	// at least run_months months; a fixed amount, to the person.
	FormulaStartupSubsidy Formula = "startup_subsidy"
	// FormulaInternship is the employment-internship host subsidy (就业见习
	// 补贴): a host takes an intern of the target groups for min_months to
	// max_months and pays a living allowance of at least the local minimum
	// wage; host_ratio × the minimum wage per month served, to the host.
	FormulaInternship Formula = "internship"
	// FormulaHiringInsurance is the social-insurance subsidy for hiring a
	// person with employment difficulties (社会保险补贴): the employer's
	// pension, medical and unemployment contributions actually paid for the
	// hire, for at most max_months months, to the employer.
	FormulaHiringInsurance Formula = "hiring_insurance"
	// FormulaStartupLoan is the entrepreneurship guaranteed loan (创业担保贷款)
	// with its interest subsidy: limits, term and the split of each month's
	// interest between the borrower and the subsidy (see LoanInterest).
	FormulaStartupLoan Formula = "startup_loan"
)

// Formulas lists the formulas in display order.
var Formulas = []Formula{FormulaJobExpansion, FormulaStartupSubsidy, FormulaInternship, FormulaHiringInsurance, FormulaStartupLoan}

// Group is a target group of a programme, decided from the records.
type Group string

// The target groups (RULES.md §6).
const (
	// GroupGraduateOfYear: graduated in the calendar year of the event.
	GroupGraduateOfYear Group = "graduate_of_year"
	// GroupRecentGraduate: graduated within graduate_years before the
	// event and not employed between graduation and the event (离校未就业).
	GroupRecentGraduate Group = "recent_graduate"
	// GroupGraduate: graduated within graduate_years before the event,
	// employed since or not.
	GroupGraduate Group = "graduate"
	// GroupUnemployedYouth: registered as unemployed at the event and aged
	// youth_min_age to youth_max_age (whole years).
	GroupUnemployedYouth Group = "unemployed_youth"
	// GroupRegisteredUnemployed: registered as unemployed at the event.
	GroupRegisteredUnemployed Group = "registered_unemployed"
	// GroupDifficulty: a person with employment difficulties (就业困难人员):
	// registered as unemployed at the event and either at least
	// difficulty_age_female / difficulty_age_male years old or registered
	// for at least difficulty_registered_months months.
	GroupDifficulty Group = "employment_difficulty"
)

// Beneficiary says who a programme pays.
type Beneficiary string

// The beneficiaries.
const (
	PaysEmployer Beneficiary = "employer"
	PaysPerson   Beneficiary = "person"
	PaysBank     Beneficiary = "bank" // a loan's interest subsidy, claimed by the lending bank
)

// Programme is one support programme (补贴/资助项目) as a deployment
// declares it in a parameter file under the key programmes. Its amounts
// and limits are parameters named "support.<code>.<name>", dated and
// sourced like every other.
type Programme struct {
	Code        string      `json:"code"`        // lower case, e.g. expansion_2025
	Formula     Formula     `json:"formula"`     // the formula it applies
	Family      string      `json:"family"`      // programmes of one family pay a key once between them (2022 and 2025 versions)
	NameZH      string      `json:"name_zh"`     // 一次性扩岗补助（2025年）
	NameEN      string      `json:"name_en"`     // One-time job expansion subsidy (2025)
	Beneficiary Beneficiary `json:"beneficiary"` // who is paid
	// PerEmployer makes the key person × employer (the rule pays each
	// employer for the same person); otherwise once per person.
	PerEmployer bool        `json:"per_employer"`
	Groups      []Group     `json:"groups"`               // who qualifies; empty for a loan
	Insurances  []Insurance `json:"insurances,omitempty"` // the hire must be enrolled in these
	From        period.Date `json:"from"`                 // first day of an event (hire, start) it covers
	Until       period.Date `json:"until,omitzero"`       // last day, zero when open-ended
	// ClaimUntil is the last day a grant of the programme may still be
	// found (the events' paid months come after the event); zero when
	// open-ended.
	ClaimUntil period.Date `json:"claim_until,omitzero"`
	Reference  string      `json:"reference"`  // the legal source
	Confidence string      `json:"confidence"` // of the programme's existence, dates and groups
	Note       string      `json:"note,omitempty"`
	File       string      `json:"file"`
	Line       int         `json:"line"`
	Parameters []ProgParam `json:"parameters"` // what its formula reads, in order
	groupSet   map[Group]bool
}

// ProgParam is one parameter a programme's formula reads: its name is
// "support.<code>.<Suffix>".
type ProgParam struct {
	Suffix string `json:"suffix"`
	Unit   string `json:"unit"`
	Key    string `json:"key,omitempty"` // tables
	Of     string `json:"of,omitempty"`  // tables
	What   string `json:"what"`          // what it is, for the programme page
	// Group, when set, is the target group that needs the parameter: a
	// programme without that group does not need it.
	Group Group `json:"group,omitempty"`
}

// The group parameters, read by every formula that has the group.
var groupParams = []ProgParam{
	{Suffix: "graduate_years", Unit: UnitYears, What: "years after graduation a graduate still counts as recent", Group: GroupRecentGraduate},
	{Suffix: "graduate_years", Unit: UnitYears, What: "years after graduation a graduate still counts as recent", Group: GroupGraduate},
	{Suffix: "youth_min_age", Unit: UnitYears, What: "youngest age of an unemployed young person", Group: GroupUnemployedYouth},
	{Suffix: "youth_max_age", Unit: UnitYears, What: "oldest age (whole years) of an unemployed young person", Group: GroupUnemployedYouth},
	{Suffix: "difficulty_age_female", Unit: UnitYears, What: "age from which a registered unemployed woman has employment difficulties", Group: GroupDifficulty},
	{Suffix: "difficulty_age_male", Unit: UnitYears, What: "age from which a registered unemployed man has employment difficulties", Group: GroupDifficulty},
	{Suffix: "difficulty_registered_months", Unit: UnitMonths, What: "months of registered unemployment after which a person has employment difficulties", Group: GroupDifficulty},
}

// formulaParams lists what each formula reads besides its groups'.
var formulaParams = map[Formula][]ProgParam{
	FormulaJobExpansion: {
		{Suffix: "amount", Unit: UnitYuan, What: "subsidy per hire"},
		{Suffix: "paid_months", Unit: UnitMonths, What: "months of the required insurances paid in full before it is due"},
	},
	FormulaStartupSubsidy: {
		{Suffix: "amount", Unit: UnitYuan, What: "subsidy per business started"},
		{Suffix: "run_months", Unit: UnitMonths, What: "months the business must have run normally"},
	},
	FormulaInternship: {
		{Suffix: "host_ratio", Unit: UnitFactor, What: "host subsidy per month served, as a fraction of the monthly minimum wage"},
		{Suffix: "min_months", Unit: UnitMonths, What: "shortest internship"},
		{Suffix: "max_months", Unit: UnitMonths, What: "longest internship (months beyond are not subsidised)"},
	},
	FormulaHiringInsurance: {
		{Suffix: "paid_months", Unit: UnitMonths, What: "months paid in full before the first subsidy"},
		{Suffix: "max_months", Unit: UnitMonths, What: "months of contributions subsidised at most"},
	},
	FormulaStartupLoan: {
		{Suffix: "individual_max", Unit: UnitYuan, What: "largest loan to an individual"},
		{Suffix: "individual_term", Unit: UnitMonths, What: "longest term of a loan to an individual"},
		{Suffix: "enterprise_max", Unit: UnitYuan, What: "largest loan to a small enterprise"},
		{Suffix: "enterprise_term", Unit: UnitMonths, What: "longest term of a loan to a small enterprise"},
		{Suffix: "hire_share", Unit: UnitRate, What: "new hires of the last 12 months as a share of staff a small enterprise needs"},
		{Suffix: "hire_share_large", Unit: UnitRate, What: "the same share for an enterprise above large_staff"},
		{Suffix: "large_staff", Unit: UnitFactor, What: "staff above which the lower hire share applies"},
		{Suffix: "lpr", Unit: UnitRate, What: "the one-year loan prime rate (LPR) the borrower's share is set against"},
		{Suffix: "borrower_below_lpr", Unit: UnitRate, What: "the borrower pays interest at most at LPR minus this"},
		{Suffix: "subsidy_share", Unit: UnitTable, Key: "loan_year", Of: UnitFactor, What: "share of the subsidised interest paid in each year of the loan"},
		{Suffix: "default_subsidy", Unit: UnitFactor, What: "share of the subsidised interest paid for a month the borrower is in default"},
	},
}

// ParamName is the full name of a programme parameter.
func (g *Programme) ParamName(suffix string) string { return "support." + g.Code + "." + suffix }

// Has reports whether the programme's target groups include x.
func (g *Programme) Has(x Group) bool { return g.groupSet[x] }

// Covers reports whether an event on day falls in the programme's dates.
func (g *Programme) Covers(day period.Date) bool {
	return !day.Before(g.From) && (g.Until.IsZero() || !g.Until.Before(day))
}

// ClaimClosed reports whether no grant of the programme may be found on day.
func (g *Programme) ClaimClosed(day period.Date) bool {
	return !g.ClaimUntil.IsZero() && g.ClaimUntil.Before(day)
}

// Key is what a programme's family pays once: "p:PERSON", or
// "p:PERSON/e:EMPLOYER" when the rule pays each employer for the same
// person. The database holds (family, key) unique.
func (g *Programme) Key(person, employer int64) string {
	if g.PerEmployer {
		return "p:" + strconv.FormatInt(person, 10) + "/e:" + strconv.FormatInt(employer, 10)
	}
	return "p:" + strconv.FormatInt(person, 10)
}

// paramsFor returns what g's formula reads with g's groups.
func paramsFor(f Formula, groups map[Group]bool) []ProgParam {
	out := append([]ProgParam(nil), formulaParams[f]...)
	seen := map[string]bool{}
	for _, p := range groupParams {
		if groups[p.Group] && !seen[p.Suffix] {
			seen[p.Suffix] = true
			out = append(out, p)
		}
	}
	return out
}

// Programmes returns the programmes declared, in code order.
func (p *Params) Programmes() []*Programme {
	out := make([]*Programme, 0, len(p.progs))
	for _, g := range p.progs {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Programme returns the programme with code, or an Invalid error
// (field programme) naming the known codes.
func (p *Params) Programme(code string) (*Programme, error) {
	if g := p.progs[code]; g != nil {
		return g, nil
	}
	var known []string
	for _, g := range p.Programmes() {
		known = append(known, g.Code)
	}
	return nil, invalid("programme", "programme.known", "error.programme.known", msg.Text("programme", code), msg.Text("known", strings.Join(known, ", ")))
}
