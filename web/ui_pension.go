package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"hrss/access"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// The pension estimate: a citizen (or a caseworker for them) enters, or
// takes from the person's record, the birth month, retirement category,
// contributions so far and the wage they expect to keep contributing on;
// rules/ says when they may retire (RetirementAge, with the flexible
// window) and what the pension would be (Account, Pension), for each
// retirement age in the window, with the whole trace of the chosen one.

// estimateInput is what a projection needs; amounts in fen.
type estimateInput struct {
	Division          string
	Birth             period.YearMonth
	Category          rules.Category
	From              period.YearMonth // the first month still to contribute (this month)
	Balance           money.Fen        // personal account balance now
	Years             money.Dec        // contribution years so far, deemed years included
	Index             money.Dec        // average contribution index so far
	Wage              money.Fen        // monthly wage contributed on from now (before floor and ceiling)
	TransitionalYears money.Dec
	TransitionalIndex money.Dec
	Retire            period.YearMonth // the retirement month explained; 0: the statutory one
}

// projection is one retirement month's outcome.
type projection struct {
	Retire  period.YearMonth `json:"-"`
	Age     int              `json:"-"` // months
	Label   string           `json:"label"`
	Account string           `json:"account"`           // yuan, at retirement
	Pension string           `json:"pension,omitempty"` // yuan a month; "" when not payable
	Short   bool             `json:"short,omitempty"`   // contributions below the minimum then
	Chosen  bool             `json:"chosen,omitempty"`

	AccountFen, PensionFen money.Fen `json:"-"` // the same, for the table
}

// estimate is a projection over the flexible window, the chosen month
// explained.
type estimate struct {
	Retirement rules.RetirementResult
	Base       money.Fen // the contribution base used
	Points     []projection
	Chosen     period.YearMonth
	Pension    *rules.PensionResult // of Chosen; nil when not payable
	PensionErr error
	AccountAt  money.Fen
	Years      money.Dec // at Chosen
	Index      money.Dec // at Chosen
}

// projectPension computes the estimate of in with p. It fails with an
// Invalid error for input the rules refuse (the birth month, a division).
// It is pure: given the same parameters and input, the same estimate.
func projectPension(p *rules.Params, in estimateInput) (estimate, error) {
	var est estimate
	ret, err := p.RetirementAge(rules.RetirementInput{Category: in.Category, Birth: in.Birth, Division: in.Division}, true)
	if err != nil {
		return est, err
	}
	est.Retirement = ret
	floor, ceiling, err := p.BaseLimits(in.Division, in.From)
	if err != nil {
		return est, err
	}
	est.Base = min(max(in.Wage, floor), ceiling)
	if in.Wage == 0 {
		est.Base = 0 // not contributing any more
	}
	wageIndex := money.Dec{}
	if est.Base > 0 {
		iw, err := p.IndexWage(in.Division, in.From)
		if err != nil {
			return est, err
		}
		wageIndex = est.Base.Dec().DivRound(iw.Dec(), 8)
	}
	// the retirement months: each whole year of age in the window, and the
	// window's ends and the statutory month
	months := []period.YearMonth{ret.EarliestMonth, ret.RetireMonth, ret.LatestMonth}
	for m := ret.EarliestMonth; m < ret.LatestMonth; m = m.Add(12) {
		months = append(months, m)
	}
	est.Chosen = ret.RetireMonth
	if in.Retire != 0 {
		if in.Retire < ret.EarliestMonth || in.Retire > ret.LatestMonth {
			return est, fault.Invalidf("retire", "pension.flexible_window", "retirement in %s is outside the flexible window %s to %s (statutory %s)", in.Retire, ret.EarliestMonth, ret.LatestMonth, ret.RetireMonth)
		}
		est.Chosen = in.Retire
		months = append(months, in.Retire)
	}
	slices.Sort(months)
	months = slices.Compact(months)
	for _, m := range months {
		if m < in.From {
			continue // already past: an estimate looks ahead
		}
		pt, res, acc, years, index, perr := projectAt(p, in, est.Base, wageIndex, m, m == est.Chosen)
		pt.Chosen = m == est.Chosen
		est.Points = append(est.Points, pt)
		if pt.Chosen {
			est.AccountAt, est.Years, est.Index = acc, years, index
			if perr != nil {
				est.PensionErr = perr
			} else {
				est.Pension = &res
			}
		}
		if perr != nil && fault.KindOf(perr) != fault.Invalid {
			return est, perr
		}
	}
	if est.Chosen < in.From {
		est.PensionErr = fault.Invalidf("retire", "pension.past", "the retirement month %s has passed", est.Chosen)
	}
	return est, nil
}

// projectAt projects the account to retirement month m (contributions on
// base until the month before) and computes the pension then.
func projectAt(p *rules.Params, in estimateInput, base money.Fen, wageIndex money.Dec, m period.YearMonth, explain bool) (projection, rules.PensionResult, money.Fen, money.Dec, money.Dec, error) {
	pt := projection{Retire: m, Age: int(rules.AgeAt(in.Birth, m))}
	n := m.Sub(in.From) // months still to contribute
	acc := in.Balance
	if n > 0 && base > 0 {
		ms := make([]rules.AccountMonth, n)
		for i := range ms {
			ms[i] = rules.AccountMonth{Period: in.From.Add(i), Base: base}
		}
		res, err := p.Account(rules.AccountInput{Division: in.Division, OpeningYear: in.From.Year(), Opening: in.Balance, Months: ms, At: m.Add(-1), InterestToDate: true}, false)
		if err != nil {
			return pt, rules.PensionResult{}, 0, money.Dec{}, money.Dec{}, err
		}
		acc = res.Balance
	}
	pt.Account, pt.AccountFen = acc.String(), acc
	if base == 0 {
		n = 0
	}
	twelve := money.MustDec("12")
	soFar := in.Years.Mul(twelve)
	all := soFar.Add(money.MustDec(itoa(int64(n))))
	years := all.DivRound(twelve, 2)
	index := in.Index
	if all.IsPositive() {
		index = in.Index.Mul(soFar).Add(wageIndex.Mul(money.MustDec(itoa(int64(n))))).DivRound(all, 4)
	}
	res, err := p.Pension(rules.PensionInput{Division: in.Division, Birth: in.Birth, Retire: m, AvgIndex: index, Years: years,
		TransitionalIndex: in.TransitionalIndex, TransitionalYears: in.TransitionalYears, AccountBalance: acc}, explain)
	if err != nil {
		pt.Short = true
		return pt, res, acc, years, index, err
	}
	pt.Pension, pt.PensionFen = res.Total.String(), res.Total
	return pt, res, acc, years, index, nil
}

// pensionForm is the estimate screen's form, as typed.
type pensionForm struct {
	PersonID                                          int64
	PersonName                                        string
	Birth, Category, Division                         string
	Balance, Years, Index, Wage, TransYears, TransIdx string
	Retire                                            string
	FromRecord                                        bool // prefilled from the person's record
}

// pensionView is the estimate screen.
type pensionView struct {
	Form       pensionForm
	Divisions  []registry.Division
	Categories []rules.Category
	Est        *estimate
	ChartJSON  string // the series of the chart, for static/pension.js
	ErrField   string
}

// uiPension shows the estimate form and, once it has a birth month, the
// estimate. With ?person=ID it starts from that person's record (birth,
// sex, division, declared wage and years of employment), which the
// caller must be allowed to see.
func (s *Server) uiPension(w http.ResponseWriter, r *http.Request) {
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if s.Rules == nil {
		s.uiError(w, r, fault.NotFoundf("the rules are not loaded on this server"))
		return
	}
	q := r.URL.Query()
	f := pensionForm{Birth: q.Get("birth"), Category: q.Get("category"), Division: pick(q.Get("division"), "330400"), Balance: q.Get("balance"),
		Years: q.Get("years"), Index: pick(q.Get("index"), "1"), Wage: q.Get("wage"), TransYears: pick(q.Get("transitional_years"), "0"),
		TransIdx: pick(q.Get("transitional_index"), "0"), Retire: q.Get("retire")}
	today := s.today()
	pid, _ := queryInt(r, "person")
	if pid == 0 && c.Role == access.Citizen {
		pid = c.PersonID
	}
	if pid != 0 {
		if err := s.prefillPension(r, pid, today, &f); err != nil {
			s.uiError(w, r, err)
			return
		}
	}
	v := pensionView{Form: f, Categories: []rules.Category{rules.Male, rules.Female55, rules.Female50}}
	for _, d := range registry.Divisions {
		v.Divisions = append(v.Divisions, d)
	}
	p := newPage(r, "pension.title", &v)
	if f.Birth != "" {
		in, err := f.input(today.Month())
		var est estimate
		if err == nil {
			est, err = projectPension(s.Rules, in)
		}
		if err != nil {
			p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
			v.ErrField = fieldOf(err)
		} else {
			v.Est = &est
			v.ChartJSON = chartJSON(p.L, est)
		}
	}
	render(w, r, "pension", p)
}

// prefillPension fills the form's empty fields from person id's record.
func (s *Server) prefillPension(r *http.Request, id int64, today period.Date, f *pensionForm) error {
	per, err := s.Registry.Person(r.Context(), id)
	if err != nil {
		return err
	}
	f.PersonID, f.PersonName, f.FromRecord = per.ID, per.Name, true
	if f.Birth == "" {
		f.Birth = per.Birth.Month().String()
	}
	if f.Category == "" {
		f.Category = string(rules.Male)
		if per.Sex == ident.Female {
			f.Category = string(rules.Female55)
		}
	}
	if r.URL.Query().Get("division") == "" && per.ResidenceDivision != "" {
		f.Division = per.ResidenceDivision
	}
	es, err := s.Registry.ListEmployments(r.Context(), registry.EmploymentFilter{PersonID: id, Page: registry.Page{Limit: registry.MaxPage}})
	if err != nil {
		return err
	}
	months := 0
	var wage money.Fen
	for _, e := range es {
		end := e.End
		if end.IsZero() || today.Before(end) {
			end = today
			wage = e.DeclaredWage
		}
		if n := end.Month().Sub(e.Start.Month()); n > 0 {
			months += n
		}
	}
	if s.Insurance != nil {
		// the rights record, when the caller may read it, knows better
		// than the employment history: legacy years and assessed months
		if st, err := s.Insurance.Statement(r.Context(), id); err == nil && st.Months > 0 {
			months = st.Months
			if f.Balance == "" {
				f.Balance = st.Balance.String()
			}
		}
	}
	if f.Years == "" {
		f.Years = money.MustDec(itoa(int64(months))).DivRound(money.MustDec("12"), 2).String()
	}
	if f.Wage == "" && wage > 0 {
		f.Wage = wage.String()
	}
	return nil
}

// input parses the form; from is the first month still to contribute.
func (f pensionForm) input(from period.YearMonth) (estimateInput, error) {
	in := estimateInput{Division: f.Division, Category: rules.Category(f.Category), From: from}
	var err error
	if in.Birth, err = period.ParseYearMonth(strings.TrimSpace(f.Birth)); err != nil {
		return in, fault.Invalidf("birth", "month.format", "%q is not a month YYYY-MM", f.Birth)
	}
	if !slices.Contains([]rules.Category{rules.Male, rules.Female55, rules.Female50}, in.Category) {
		return in, fault.Invalidf("category", "retirement.category", "%q is not a retirement category", f.Category)
	}
	if f.Retire != "" {
		if in.Retire, err = period.ParseYearMonth(strings.TrimSpace(f.Retire)); err != nil {
			return in, fault.Invalidf("retire", "month.format", "%q is not a month YYYY-MM", f.Retire)
		}
	}
	for _, m := range []struct {
		field, text string
		to          *money.Fen
	}{{"balance", f.Balance, &in.Balance}, {"wage", f.Wage, &in.Wage}} {
		if strings.TrimSpace(m.text) == "" {
			continue
		}
		v, err := money.Parse(strings.TrimSpace(m.text))
		if err != nil || v < 0 {
			return in, fault.Invalidf(m.field, "money.format", "%q is not an amount in yuan", m.text)
		}
		*m.to = v
	}
	for _, d := range []struct {
		field, text string
		to          *money.Dec
	}{{"years", pick(f.Years, "0"), &in.Years}, {"index", f.Index, &in.Index}, {"transitional_years", f.TransYears, &in.TransitionalYears}, {"transitional_index", f.TransIdx, &in.TransitionalIndex}} {
		v, err := money.ParseDec(strings.TrimSpace(d.text))
		if err != nil || v.IsNegative() {
			return in, fault.Invalidf(d.field, "number.format", "%q is not a number of at least 0", d.text)
		}
		*d.to = v
	}
	return in, nil
}

// chartJSON is the chart's data: retirement ages on the x axis, the
// account at retirement and the monthly pension on two y axes, with the
// labels in l.
func chartJSON(l lang, est estimate) string {
	for i := range est.Points {
		est.Points[i].Label = l.Age(est.Points[i].Age)
	}
	b, _ := json.Marshal(map[string]any{
		"points":  est.Points,
		"account": l.T("pension.chart.account"),
		"pension": l.T("pension.chart.pension"),
		"age":     l.T("pension.chart.age"),
		"yuan":    l.T("pension.chart.yuan"),
	})
	return string(b)
}

// fieldOf returns the field an error names, if any.
func fieldOf(err error) string {
	if fe, ok := err.(*fault.Error); ok {
		return fe.Field
	}
	return ""
}

func pick(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// today is the service day: the registry's clock when it has one.
func (s *Server) today() period.Date {
	if s.Registry != nil && s.Registry.Now != nil {
		return period.FromTime(s.Registry.Now().In(cst))
	}
	return period.FromTime(time.Now().In(cst))
}

// Query returns the form as a query string with the retirement month
// set to retire, for the links of the projection table.
func (f pensionForm) Query(retire string) string {
	v := url.Values{}
	if f.PersonID != 0 {
		v.Set("person", itoa(f.PersonID))
	}
	for k, x := range map[string]string{"birth": f.Birth, "category": f.Category, "division": f.Division, "balance": f.Balance, "years": f.Years,
		"index": f.Index, "wage": f.Wage, "transitional_years": f.TransYears, "transitional_index": f.TransIdx, "retire": retire} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}
