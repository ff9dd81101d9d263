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
	Est        *rules.Projection
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
		// the person, the employments and the statement read for the
		// form are three views, audited in one batch of the journal
		ctx, views := access.DeferViews(r.Context())
		err := s.prefillPension(r.WithContext(ctx), pid, today, &f)
		if ferr := views.Flush(r.Context()); err == nil {
			err = ferr
		}
		if err != nil {
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
		var est rules.Projection
		if err == nil {
			est, err = s.Rules.Project(in)
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
func (f pensionForm) input(from period.YearMonth) (rules.ProjectionInput, error) {
	in := rules.ProjectionInput{Division: f.Division, Category: rules.Category(f.Category), From: from}
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
	}{{"years", pick(f.Years, "0"), &in.ContributionYears}, {"index", f.Index, &in.Index}, {"transitional_years", f.TransYears, &in.TransitionalYears}, {"transitional_index", f.TransIdx, &in.TransitionalIndex}} {
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
func chartJSON(l lang, est rules.Projection) string {
	type point struct {
		Label   string `json:"label"`
		Account string `json:"account"`           // yuan, at retirement
		Pension string `json:"pension,omitempty"` // yuan a month; "" when not payable
		Short   bool   `json:"short,omitempty"`
		Chosen  bool   `json:"chosen,omitempty"`
	}
	points := make([]point, len(est.Points))
	for i, pt := range est.Points {
		points[i] = point{Label: l.Age(pt.Age), Account: pt.Account.String(), Short: pt.Short, Chosen: pt.Chosen}
		if !pt.Short {
			points[i].Pension = pt.Pension.String()
		}
	}
	b, _ := json.Marshal(map[string]any{
		"points":  points,
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
