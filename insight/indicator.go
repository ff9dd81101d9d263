// Package insight holds the bureau's indicators (指标) against the year's
// targets (目标任务): each indicator's statistical definition and source,
// its figures by division and month computed from the records (the store
// runs one query per indicator and year), the targets leadership sets
// with who set them and when, the status of each indicator against the
// share of the year elapsed, the drill-down from a count to the records
// behind it, and the fixed-format monthly report.
//
// Like every domain package it knows neither HTTP nor SQL: store/
// implements Store and Tx.
package insight

// Unit is what an indicator's values are.
type Unit string

// The units of indicators.
const (
	Count   Unit = "count"   // persons or records
	Money   Unit = "money"   // fen, shown as yuan with two decimals
	Percent Unit = "percent" // a rate: numerator / denominator × 100, two decimals
)

// Kind says how an indicator's months make the year.
type Kind string

// The kinds of indicators.
const (
	// Flow: each month counts what happened in it; the year to date is
	// the sum of its months (new urban jobs, income, subsidies).
	Flow Kind = "flow"
	// Stock: each month is the state at its last day; the year to date is
	// the latest month's (registered unemployed, insured persons, rates).
	Stock Kind = "stock"
)

// Direction says what good looks like, for the status rule.
type Direction string

// The directions.
const (
	Higher Direction = "higher" // more is better: the target is a floor to reach
	Lower  Direction = "lower"  // less is better: the target is a ceiling (unemployment, arrears)
)

// Indicator is one statistic the bureau is judged by.
type Indicator struct {
	Name       string    `json:"name"` // the glossary's code name in snake case
	ZH         string    `json:"zh"`
	EN         string    `json:"en"`
	Unit       Unit      `json:"unit"`
	Kind       Kind      `json:"kind"`
	Direction  Direction `json:"direction"`
	Additive   bool      `json:"additive"`   // the city's figure is the sum of its divisions' (and so are targets)
	Persons    bool      `json:"persons"`    // its drill-down lists persons (staff of the division only)
	Definition string    `json:"definition"` // the statistical definition, in English (the screens translate it by name)
	Source     string    `json:"source"`     // where the definition comes from
}

// Catalogue lists the indicators in display order.
var Catalogue = []Indicator{
	{Name: "new_urban_jobs", ZH: "城镇新增就业人数", EN: "New urban jobs", Unit: Count, Kind: Flow, Direction: Higher, Additive: true, Persons: true,
		Definition: "Persons newly employed in the month (a relation or self-employed enrolment starting when the person had none running the day before: first jobs, re-employment, self-employment, flexible work), minus natural attrition (pensions starting in the month; deaths are not recorded in hrss). Not the net change in employment.",
		Source:     "RULES.md §8 (城镇新增就业人数) [S]"},
	{Name: "registered_unemployed", ZH: "城镇登记失业人数", EN: "Registered unemployed", Unit: Count, Kind: Stock, Direction: Lower, Additive: true, Persons: true,
		Definition: "Unemployment registrations in force on the month's last day (registered by then, not ended by then), by the registration's division.",
		Source:     "RULES.md §6 (失业登记) and §8 [U]"},
	{Name: "registered_unemployment_rate", ZH: "城镇登记失业率", EN: "Registered urban unemployment rate", Unit: Percent, Kind: Stock, Direction: Lower,
		Definition: "Registered unemployed / (urban employed + registered unemployed) × 100 on the month's last day; the urban employed are the persons with an employment relation (by the employer's division) or a self-employed enrolment running that day. Not the surveyed rate, which administrative data cannot give.",
		Source:     "RULES.md §8 (城镇登记失业率) [S]"},
	{Name: "insured_persons", ZH: "参保人数（养老）", EN: "Insured persons (pension)", Unit: Count, Kind: Stock, Direction: Higher, Additive: true, Persons: true,
		Definition: "Distinct persons assessed for pension insurance in the month's current assessment run (employees by the employer's division, flexible workers by their enrolment's).",
		Source:     "hrss assessment records (核定)"},
	{Name: "new_insured_persons", ZH: "新增参保人数（养老）", EN: "Newly insured persons (pension)", Unit: Count, Kind: Flow, Direction: Higher, Additive: true, Persons: true,
		Definition: "Persons assessed for pension insurance in the month who were assessed for it in no earlier month on record.",
		Source:     "hrss assessment records (核定)"},
	{Name: "contribution_income", ZH: "征缴收入", EN: "Contribution income", Unit: Money, Kind: Flow, Direction: Higher, Additive: true,
		Definition: "Collections applied to the bills of the month (of its current assessment run), by the bill's division, all funds.",
		Source:     "the tax bureau's collection records as imported"},
	{Name: "contribution_billed", ZH: "核定应缴", EN: "Contributions billed", Unit: Money, Kind: Flow, Direction: Higher, Additive: true,
		Definition: "Contributions assessed for the month (its current run) plus the corrections' adjustments billed with it, all funds.",
		Source:     "hrss assessment records (核定)"},
	{Name: "contribution_billed_pension", ZH: "养老保险费核定", EN: "Pension contributions billed", Unit: Money, Kind: Flow, Direction: Higher, Additive: true,
		Definition: "Employer and individual pension contributions assessed for the month (current run).", Source: "hrss assessment records (核定)"},
	{Name: "contribution_billed_medical", ZH: "医疗保险费核定", EN: "Medical contributions billed", Unit: Money, Kind: Flow, Direction: Higher, Additive: true,
		Definition: "Employer and individual medical (incl. maternity) contributions assessed for the month (current run).", Source: "hrss assessment records (核定)"},
	{Name: "contribution_billed_unemployment", ZH: "失业保险费核定", EN: "Unemployment contributions billed", Unit: Money, Kind: Flow, Direction: Higher, Additive: true,
		Definition: "Employer and individual unemployment contributions assessed for the month (current run).", Source: "hrss assessment records (核定)"},
	{Name: "contribution_billed_work_injury", ZH: "工伤保险费核定", EN: "Work-injury contributions billed", Unit: Money, Kind: Flow, Direction: Higher, Additive: true,
		Definition: "Employer work-injury contributions assessed for the month (current run).", Source: "hrss assessment records (核定)"},
	{Name: "arrears", ZH: "欠费", EN: "Arrears", Unit: Money, Kind: Stock, Direction: Lower, Additive: true,
		Definition: "On the month's last day, what is still owed of the bills due by then (billed plus adjustments minus collections applied), principal only.",
		Source:     "社会保险法 Art. 86; hrss bills and collections"},
	{Name: "benefit_spending_pension", ZH: "养老金支出", EN: "Pension spending", Unit: Money, Kind: Flow, Direction: Higher, Additive: true,
		Definition: "Pensions paid by the month's payment run (with a recomputed pension's back pay), by the claim's division.", Source: "hrss payment runs (待遇发放)"},
	{Name: "benefit_spending_unemployment", ZH: "失业保险金支出", EN: "Unemployment benefit spending", Unit: Money, Kind: Flow, Direction: Lower, Additive: true,
		Definition: "Unemployment benefit paid by the month's payment run, by the claim's division.", Source: "hrss payment runs (待遇发放)"},
	{Name: "graduates_employed_rate", ZH: "高校毕业生半年内就业率", EN: "Graduates employed within six months", Unit: Percent, Kind: Stock, Direction: Higher, Persons: true,
		Definition: "Of the persons who graduated in the year and whose six months after graduation have passed by the month's last day, the share who within those six months started an employment relation or a self-employed enrolment, or got a training or internship offer (a preparatory activity), by the graduate's division of residence.",
		Source:     "人社部发〔2013〕41号 (实名服务: employed or in a preparatory activity within half a year) [S]"},
	{Name: "followup_1131_complete_rate", ZH: "“1131”服务完成率", EN: "1131 service completeness", Unit: Percent, Kind: Stock, Direction: Higher, Persons: true,
		Definition: "Of the unemployed graduates on the follow-up list on the month's last day (left school within two years, no relation or enrolment running), the share who by then had at least 1 policy briefing, 1 career guidance, 3 job leads and 1 training or internship offer.",
		Source:     "RULES.md §6 (\"1131\" service package) [U]"},
	{Name: "subsidies_granted", ZH: "补贴发放（核准）", EN: "Subsidies granted", Unit: Money, Kind: Flow, Direction: Higher, Additive: true, Persons: true,
		Definition: "Support grants found in the month (by the proactive scan, or a loan's monthly subsidy claimed) that stand: not rejected, revoked or clawed back, by the grant's division.",
		Source:     "hrss support programmes (免申即享)"},
	{Name: "subsidies_paid", ZH: "补贴实付", EN: "Subsidies paid", Unit: Money, Kind: Flow, Direction: Higher, Additive: true,
		Definition: "Support payments the bank's return file of the month marked paid, by the grant's division.", Source: "hrss support payment runs and bank returns"},
	{Name: "loans_granted", ZH: "创业担保贷款发放", EN: "Guaranteed loans granted", Unit: Money, Kind: Flow, Direction: Higher, Additive: true,
		Definition: "Principal of the entrepreneurship guaranteed loans approved in the month, by the borrower's division.", Source: "hrss support programmes (创业担保贷款)"},
	{Name: "placements", ZH: "就业服务促成就业", EN: "Placements", Unit: Count, Kind: Flow, Direction: Higher, Additive: true, Persons: true,
		Definition: "Hires starting in the month credited to a job fair, a job lead or a recommendation that preceded them, by the employer's division (docs/MATCHING.md).",
		Source:     "hrss employment services (就业去向)"},
	{Name: "placements_fair", ZH: "招聘会促成就业", EN: "Placements through job fairs", Unit: Count, Kind: Flow, Direction: Higher, Additive: true, Persons: true,
		Definition: "Placements of the month credited to a job fair.", Source: "hrss employment services (就业去向)"},
	{Name: "placements_job_lead", ZH: "岗位信息促成就业", EN: "Placements through job leads", Unit: Count, Kind: Flow, Direction: Higher, Additive: true, Persons: true,
		Definition: "Placements of the month credited to a job lead of the 1131 service.", Source: "hrss employment services (就业去向)"},
	{Name: "placements_recommendation", ZH: "岗位推荐促成就业", EN: "Placements through recommendations", Unit: Count, Kind: Flow, Direction: Higher, Additive: true, Persons: true,
		Definition: "Placements of the month credited to a recommended vacancy.", Source: "hrss employment services (就业去向)"},
}

// ByName returns the indicator called name.
func ByName(name string) (Indicator, bool) {
	for _, ind := range Catalogue {
		if ind.Name == name {
			return ind, true
		}
	}
	return Indicator{}, false
}
