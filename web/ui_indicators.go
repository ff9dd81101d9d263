package web

import (
	"encoding/json"
	"net/http"

	"hrss/employment"
	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// indicatorsView is the analysts' screen: the employment services' counts
// by division today, and contribution income by division and month. Both
// come from services that return aggregates only, so no person's data is
// on it (and nothing is audited).
type indicatorsView struct {
	From, To  string
	Jobs      *employment.Indicators
	Income    *insurance.Income
	ChartJSON string
}

// uiIndicators shows the indicators for the months from..to (default the
// last twelve). A section whose service refuses the caller's role is left
// out; a caller who may see neither gets the refusal.
func (s *Server) uiIndicators(w http.ResponseWriter, r *http.Request) {
	if _, err := requireCaller(r); err != nil {
		s.uiError(w, r, err)
		return
	}
	q, today := r.URL.Query(), s.today().Month()
	v := indicatorsView{From: pick(q.Get("from"), today.Add(-11).String()), To: pick(q.Get("to"), today.String())}
	p := newPage(r, "indicators.title", &v)
	from, to, err := monthRange(v.From, v.To)
	var refused error
	if err == nil && s.Jobs != nil {
		ind, jerr := s.Jobs.Indicators(r.Context(), period.Date{})
		v.Jobs, refused, err = keep(&ind, jerr)
	}
	if err == nil && s.Insurance != nil {
		inc, ierr := s.Insurance.Income(r.Context(), insurance.IncomeFilter{From: from, To: to})
		var ref error
		if v.Income, ref, err = keep(&inc, ierr); ref != nil && v.Jobs == nil {
			refused = ref
		}
		if v.Income != nil {
			v.ChartJSON = incomeChart(p.L, *v.Income)
		}
	}
	if err == nil && v.Jobs == nil && v.Income == nil && refused != nil {
		err = refused
	}
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.uiError(w, r, err)
			return
		}
		p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
	}
	render(w, r, "indicators", p)
}

// keep sorts a service's answer: the value, a refusal of the caller's role
// (the section is then left out), or another error.
func keep[T any](v *T, err error) (*T, error, error) {
	switch {
	case err == nil:
		return v, nil, nil
	case fault.KindOf(err) == fault.Forbidden:
		return nil, err, nil
	}
	return nil, nil, err
}

// monthRange reads the from and to months of the form.
func monthRange(from, to string) (period.YearMonth, period.YearMonth, error) {
	f, err := period.ParseYearMonth(from)
	if err != nil {
		return 0, 0, fault.Invalidf("from", "period.format", "%v", err)
	}
	t, err := period.ParseYearMonth(to)
	if err != nil {
		return 0, 0, fault.Invalidf("to", "period.format", "%v", err)
	}
	return f, t, nil
}

// incomeChart is the income chart's data: per month, billed and paid over
// all divisions shown, in yuan, with the labels in l.
func incomeChart(l lang, inc insurance.Income) string {
	type month struct {
		Label  string `json:"label"`
		Billed string `json:"billed"` // yuan
		Paid   string `json:"paid"`   // yuan
	}
	var months []month
	idx := map[period.YearMonth]int{}
	sums := [][2]money.Fen{}
	for _, row := range inc.Items {
		i, ok := idx[row.Period]
		if !ok {
			i = len(months)
			idx[row.Period] = i
			months = append(months, month{Label: l.Month(row.Period)})
			sums = append(sums, [2]money.Fen{})
		}
		sums[i][0] += row.Billed
		sums[i][1] += row.Paid
	}
	for i := range months {
		months[i].Billed, months[i].Paid = sums[i][0].String(), sums[i][1].String()
	}
	b, _ := json.Marshal(map[string]any{
		"months": months,
		"billed": l.T("indicators.billed"),
		"paid":   l.T("indicators.paid"),
		"yuan":   l.T("pension.chart.yuan"),
	})
	return string(b)
}
