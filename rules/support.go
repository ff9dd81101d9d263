package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// Facts are what the records say about one candidate of a programme: the
// event (a hire, a business started, an internship), the person and what
// followed. The scan gathers them from the registry, social insurance and
// the employment services; Decide judges them. Dates are zero when absent.
type Facts struct {
	Division     string        `json:"division"`               // whose parameters apply: the employer's (or the person's) division
	Event        period.Date   `json:"event"`                  // the hire's first day, the business's start, the internship's start
	EventEnd     period.Date   `json:"event_end"`              // the relation's or enrolment's last day; zero while it runs
	AsOf         period.Date   `json:"as_of"`                  // the day of the scan
	Birth        period.Date   `json:"birth"`                  // the person's birth date
	Female       bool          `json:"female"`                 // the person's sex
	Graduated    period.Date   `json:"graduated"`              // graduation (leaving school); zero if none on record
	WorkedSince  bool          `json:"worked_since"`           // another employment relation ran between graduation and the event
	Registration *Registration `json:"registration,omitempty"` // the unemployment registration active at the event (or ended by it)
	Insurances   []Insurance   `json:"insurances,omitempty"`   // the relation's enrolled insurances
	// Paid lists the relation's months paid in full, oldest first, with
	// the employer's pension, medical and unemployment parts of each.
	Paid []PaidMonth `json:"paid,omitempty"`
	// FirstBusiness is false when the person had a self-employed enrolment
	// before this one (the subsidy is for a first business only).
	FirstBusiness bool `json:"first_business"`
	// Internships only: the months served and the monthly living allowance.
	Months    int       `json:"months,omitempty"`
	Allowance money.Fen `json:"allowance,omitzero"`
}

// Registration is an unemployment registration (失业登记) as a programme
// reads it.
type Registration struct {
	ID         int64       `json:"id"`
	Registered period.Date `json:"registered"`
	Ended      period.Date `json:"ended,omitzero"`
}

// PaidMonth is one month of contributions paid in full on a relation.
type PaidMonth struct {
	Period   period.YearMonth `json:"period"`
	Employer money.Fen        `json:"employer"` // the employer's pension, medical and unemployment parts
}

// Reason says why a candidate is or is not eligible, as a message key
// with its arguments, so that each screen words it in its reader's
// language (the keys are translated by web/).
type Reason struct {
	Key  string            `json:"key"`            // e.g. support.eligible.graduate_of_year
	Args map[string]string `json:"args,omitempty"` // named values the message shows
	Text string            `json:"text,omitempty"` // in the reader's language, filled for an API answer (web's localized)
}

// Decision is a programme's judgement of one candidate.
type Decision struct {
	Programme string    `json:"programme"`
	Eligible  bool      `json:"eligible"`
	Group     Group     `json:"group,omitempty"` // the target group that made them eligible
	Reason    Reason    `json:"reason"`
	Amount    money.Fen `json:"amount"`
	Months    int       `json:"months,omitempty"` // months paid or served that the amount is for
	Trace     []Step    `json:"trace,omitempty"`
}

// Decide judges one candidate of programme code by its formula (see the
// Formula constants), recording a trace when explain is set. A candidate
// who falls outside the programme is a Decision with Eligible false and
// the reason, not an error; it fails with an Invalid error for an unknown
// programme, a missing event date, or a parameter not in force.
func (p *Params) Decide(code string, f Facts, explain bool) (Decision, error) {
	g, err := p.Programme(code)
	if err != nil {
		return Decision{}, err
	}
	if f.Event.IsZero() {
		return Decision{}, invalid("event", "support.event", "error.support.event")
	}
	tr := newTrace(explain)
	traceFacts(tr, g, f)
	r := p.reader(f.Division, tr)
	d := Decision{Programme: g.Code}
	switch g.Formula {
	case FormulaJobExpansion:
		err = r.jobExpansion(g, f, &d)
	case FormulaStartupSubsidy:
		err = r.startupSubsidy(g, f, &d)
	case FormulaInternship:
		err = r.internship(g, f, &d)
	case FormulaHiringInsurance:
		err = r.hiringInsurance(g, f, &d)
	default:
		err = invalid("programme", "support.formula", "error.support.formula", msg.Text("programme", g.Code), msg.Text("formula", string(g.Formula)))
	}
	if err != nil {
		return Decision{}, err
	}
	if !d.Eligible {
		d.Amount, d.Months = 0, 0
	}
	if tr != nil {
		m := d.Reason.Message()
		tr.value("eligible", strconv.FormatBool(d.Eligible), m.Key, m.Args...)
	}
	d.Trace = tr.list()
	return d, nil
}

func traceFacts(tr *trace, g *Programme, f Facts) {
	if tr == nil {
		return
	}
	traceProgramme(tr, g)
	tr.input("event", f.Event.String())
	if !f.EventEnd.IsZero() {
		tr.input("event_end", f.EventEnd.String())
	}
	tr.input("as_of", f.AsOf.String())
	tr.input("birth", f.Birth.String())
	if !f.Graduated.IsZero() {
		tr.input("graduated", f.Graduated.String())
	}
	if f.Registration != nil {
		tr.input("unemployment_registration", "#"+strconv.FormatInt(f.Registration.ID, 10)+" "+f.Registration.Registered.String())
	}
	if len(f.Paid) > 0 {
		ps := make([]string, len(f.Paid))
		for i, m := range f.Paid {
			ps[i] = m.Period.String()
		}
		tr.input("paid_months", strings.Join(ps, ", "))
	}
}

// traceProgramme notes the programme a trace is of, with its source.
func traceProgramme(tr *trace, g *Programme) {
	tr.note("trace.programme", msg.Text("code", g.Code), msg.Text("name_zh", g.NameZH), msg.Text("name_en", g.NameEN),
		msg.Text("reference", g.Reference), msg.Label("confidence", "confidence."+g.Confidence))
}

// refuse sets d to not eligible with reason key and args (name, value pairs).
func refuse(d *Decision, key string, args ...string) error {
	d.Eligible, d.Reason = false, reason("support.refused."+key, args...)
	return nil
}

// Message is the reason as a message of the catalogue (rules/msg), its
// arguments as text in the order of their names.
func (r Reason) Message() Message {
	names := make([]string, 0, len(r.Args))
	for k := range r.Args {
		names = append(names, k)
	}
	slices.Sort(names)
	m := Message{Key: r.Key}
	for _, k := range names {
		m.Args = append(m.Args, msg.Text(k, r.Args[k]))
	}
	return m
}

// In writes the reason in l.
func (r Reason) In(l msg.Lang) string { return r.Message().In(l) }

func reason(key string, args ...string) Reason {
	r := Reason{Key: key}
	if len(args) > 0 {
		r.Args = map[string]string{}
		for i := 0; i+1 < len(args); i += 2 {
			r.Args[args[i]] = args[i+1]
		}
	}
	return r
}

// window checks the programme's dates; false after refusing d.
func window(g *Programme, f Facts, d *Decision) bool {
	if g.ClaimClosed(f.AsOf) {
		refuse(d, "claim_closed", "claim_until", g.ClaimUntil.String())
		return false
	}
	if g.Covers(f.Event) && !f.AsOf.Before(f.Event) {
		return true
	}
	until := "open"
	if !g.Until.IsZero() {
		until = g.Until.String()
	}
	refuse(d, "dates", "event", f.Event.String(), "from", g.From.String(), "until", until)
	return false
}

// group returns the first target group of g that f belongs to at the event.
func (r reader) group(g *Programme, f Facts) (Group, Reason, error) {
	for _, x := range g.Groups {
		ok, why, err := r.inGroup(g, x, f)
		if err != nil || ok {
			return x, why, err
		}
	}
	return "", reason("support.refused.group", "groups", joinGroups(g.Groups)), nil
}

func joinGroups(gs []Group) string {
	s := make([]string, len(gs))
	for i, g := range gs {
		s[i] = string(g)
	}
	return strings.Join(s, ", ")
}

// inGroup decides membership of one target group at the event.
func (r reader) inGroup(g *Programme, x Group, f Facts) (bool, Reason, error) {
	age := AgeOn(f.Birth, f.Event)
	switch x {
	case GroupGraduateOfYear:
		ok := !f.Graduated.IsZero() && f.Graduated.Y == f.Event.Y && !f.Event.Before(f.Graduated)
		return ok, reason("support.eligible.graduate_of_year", "graduated", f.Graduated.String()), nil
	case GroupRecentGraduate, GroupGraduate:
		years, err := r.int(g.ParamName("graduate_years"), f.Event)
		if err != nil || f.Graduated.IsZero() || f.Event.Before(f.Graduated) {
			return false, Reason{}, err
		}
		within := f.Event.Before(addYears(f.Graduated, years).AddDays(1))
		ok := within && (x == GroupGraduate || !f.WorkedSince)
		return ok, reason("support.eligible."+string(x), "graduated", f.Graduated.String(), "years", fmt.Sprint(years)), nil
	case GroupUnemployedYouth:
		lo, err := r.int(g.ParamName("youth_min_age"), f.Event)
		if err != nil {
			return false, Reason{}, err
		}
		hi, err := r.int(g.ParamName("youth_max_age"), f.Event)
		ok := err == nil && f.Registration != nil && age >= lo && age <= hi
		return ok, reason("support.eligible.unemployed_youth", "age", fmt.Sprint(age), "registered", regDate(f)), err
	case GroupRegisteredUnemployed:
		return f.Registration != nil, reason("support.eligible.registered_unemployed", "registered", regDate(f)), nil
	case GroupDifficulty:
		return r.difficulty(g, f, age)
	}
	return false, Reason{}, nil
}

func regDate(f Facts) string {
	if f.Registration == nil {
		return ""
	}
	return f.Registration.Registered.String()
}

// difficulty decides the employment-difficulty group: registered as
// unemployed and old enough, or registered long enough.
func (r reader) difficulty(g *Programme, f Facts, age int) (bool, Reason, error) {
	if f.Registration == nil {
		return false, Reason{}, nil
	}
	sfx := "difficulty_age_male"
	if f.Female {
		sfx = "difficulty_age_female"
	}
	minAge, err := r.int(g.ParamName(sfx), f.Event)
	if err != nil {
		return false, Reason{}, err
	}
	months, err := r.int(g.ParamName("difficulty_registered_months"), f.Event)
	if err != nil {
		return false, Reason{}, err
	}
	regMonths := f.Event.Month().Sub(f.Registration.Registered.Month())
	why := reason("support.eligible.employment_difficulty", "age", fmt.Sprint(age), "registered", regDate(f), "registered_months", fmt.Sprint(regMonths))
	return age >= minAge || regMonths >= months, why, nil
}

// AgeOn returns the whole years of age on day of a person born on birth.
func AgeOn(birth, day period.Date) int {
	a := day.Y - birth.Y
	if day.M < birth.M || (day.M == birth.M && day.D < birth.D) {
		a--
	}
	return a
}

// addYears returns d moved by n years (29 February becomes 28 February).
func addYears(d period.Date, n int) period.Date {
	y := d.Y + n
	day := min(d.D, period.DaysIn(y, d.M))
	return period.Date{Y: y, M: d.M, D: day}
}

// enrolled checks the relation's insurances; false after refusing d.
func enrolled(g *Programme, f Facts, d *Decision) bool {
	for _, ins := range g.Insurances {
		if !slices.Contains(f.Insurances, ins) {
			refuse(d, "insurance", "insurance", string(ins))
			return false
		}
	}
	return true
}

// jobExpansion: a hire of the target groups, enrolled in the required
// insurances, with at least paid_months months paid in full; the amount
// once per person (RULES.md §6).
func (r reader) jobExpansion(g *Programme, f Facts, d *Decision) error {
	x, why, need, ok, err := r.paidHire(g, f, d)
	if err != nil || !ok {
		return err
	}
	amt, err := r.fen(g.ParamName("amount"), f.Event)
	if err != nil {
		return err
	}
	d.Eligible, d.Group, d.Reason, d.Amount, d.Months = true, x, why, amt, need
	d.Reason.Args["paid"] = fmt.Sprint(len(f.Paid))
	r.tr.value("amount", amt.String(), "trace.support.amount_per_hire", msg.Text("param", g.ParamName("amount")), msg.Int("months", need))
	return nil
}

// paidHire is what the hiring programmes ask first: a hire in the
// programme's dates, enrolled in its insurances, of one of its target
// groups, with at least paid_months months paid in full. It returns the
// group, its reason and paid_months, or ok false after refusing d.
func (r reader) paidHire(g *Programme, f Facts, d *Decision) (Group, Reason, int, bool, error) {
	if !window(g, f, d) || !enrolled(g, f, d) {
		return "", Reason{}, 0, false, nil
	}
	x, why, err := r.group(g, f)
	if err != nil || x == "" {
		d.Reason = why
		return "", Reason{}, 0, false, err
	}
	need, err := r.int(g.ParamName("paid_months"), f.Event)
	if err != nil {
		return "", Reason{}, 0, false, err
	}
	if len(f.Paid) < need {
		return "", Reason{}, 0, false, refuse(d, "paid_months", "paid", fmt.Sprint(len(f.Paid)), "need", fmt.Sprint(need))
	}
	return x, why, need, true, nil
}

// startupSubsidy: a first business (self-employed enrolment) of a person
// of the target groups that has run at least run_months months.
func (r reader) startupSubsidy(g *Programme, f Facts, d *Decision) error {
	if !window(g, f, d) {
		return nil
	}
	if !f.FirstBusiness {
		return refuse(d, "first_business")
	}
	x, why, err := r.group(g, f)
	if err != nil || x == "" {
		d.Reason = why
		return err
	}
	need, err := r.int(g.ParamName("run_months"), f.Event)
	if err != nil {
		return err
	}
	end := f.AsOf
	if !f.EventEnd.IsZero() && f.EventEnd.Before(end) {
		end = f.EventEnd
	}
	ran := monthsBetween(f.Event, end)
	if r.on() {
		r.tr.value("months_run", strconv.Itoa(ran), "trace.support.months_run")
	}
	if ran < need {
		return refuse(d, "run_months", "ran", fmt.Sprint(ran), "need", fmt.Sprint(need))
	}
	amt, err := r.fen(g.ParamName("amount"), f.Event)
	if err != nil {
		return err
	}
	d.Eligible, d.Group, d.Reason, d.Amount, d.Months = true, x, why, amt, ran
	d.Reason.Args["ran"] = fmt.Sprint(ran)
	r.tr.value("amount", amt.String(), "trace.support.amount_run", msg.Text("param", g.ParamName("amount")))
	return nil
}

// monthsBetween counts the whole months from a to b (a day-of-month
// later in b than in a does not add a month until it is reached).
func monthsBetween(a, b period.Date) int {
	n := b.Month().Sub(a.Month())
	if b.D < a.D {
		n--
	}
	return max(n, 0)
}

// internship: an intern of the target groups, an allowance of at least
// the division's minimum wage, min_months served; host_ratio × the
// minimum wage per month served up to max_months, half-up to the fen.
func (r reader) internship(g *Programme, f Facts, d *Decision) error {
	if !window(g, f, d) {
		return nil
	}
	x, why, err := r.group(g, f)
	if err != nil || x == "" {
		d.Reason = why
		return err
	}
	wage, tier, err := r.minimumWage(f.Event)
	if err != nil {
		return err
	}
	if f.Allowance < wage {
		return refuse(d, "allowance", "allowance", f.Allowance.String(), "minimum_wage", wage.String())
	}
	lo, err := r.int(g.ParamName("min_months"), f.Event)
	if err != nil {
		return err
	}
	hi, err := r.int(g.ParamName("max_months"), f.Event)
	if err != nil {
		return err
	}
	if f.Months < lo {
		return refuse(d, "internship_months", "months", fmt.Sprint(f.Months), "need", fmt.Sprint(lo))
	}
	ratio, err := r.dec(g.ParamName("host_ratio"), f.Event)
	if err != nil {
		return err
	}
	n := min(f.Months, hi)
	monthly := money.RoundHalfUp(wage.Dec().Mul(ratio))
	amt := monthly * money.Fen(n)
	r.tr.value("monthly_subsidy", monthly.String(), "trace.times_minimum_wage", msg.Dec("ratio", ratio), msg.Fen("wage", wage), msg.Int("tier", tier))
	r.tr.value("amount", amt.String(), "trace.support.months_served", msg.Int("months", n), msg.Fen("monthly", monthly), msg.Int("max", hi))
	d.Eligible, d.Group, d.Reason, d.Amount, d.Months = true, x, why, amt, n
	d.Reason.Args["months"] = fmt.Sprint(n)
	return nil
}

// hiringInsurance: a hire of a person with employment difficulties; once
// paid_months months are paid in full, the employer's pension, medical and
// unemployment parts of the paid months, at most max_months of them.
func (r reader) hiringInsurance(g *Programme, f Facts, d *Decision) error {
	x, why, _, ok, err := r.paidHire(g, f, d)
	if err != nil || !ok {
		return err
	}
	hi, err := r.int(g.ParamName("max_months"), f.Event)
	if err != nil {
		return err
	}
	n := min(len(f.Paid), hi)
	var amt money.Fen
	for _, m := range f.Paid[:n] {
		amt += m.Employer
	}
	r.tr.value("amount", amt.String(), "trace.support.hiring_insurance", msg.Int("months", n), msg.Int("max", hi))
	d.Eligible, d.Group, d.Reason, d.Amount, d.Months = true, x, why, amt, n
	d.Reason.Args["months"] = fmt.Sprint(n)
	return nil
}
