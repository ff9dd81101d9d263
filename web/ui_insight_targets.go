package web

// The targets screen of the indicators (指标目标): the year's targets of
// each indicator and division, the form that sets one, and its Excel
// download.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"hrss/access"
	"hrss/insight"
	"hrss/registry"
	"hrss/rules/fault"
)

// targetsView is the year's targets and the form that sets one.
type targetsView struct {
	Year       int
	Targets    []targetLine
	Form       targetForm
	Indicators []insightChoice
	Divisions  []insightChoice
	Breakdown  *breakdownView
}

// targetLine is one target as listed.
type targetLine struct {
	insight.Target
	Label, DivName, ValueText string
}

// targetForm is what the target form holds.
type targetForm struct {
	Year, Indicator, Division, Value string
	// Key (year/indicator/division) is the target the form was opened on
	// and UpdatedAt its set_at as read (access.Seen): sent back only for
	// that target, so a changed choice is not refused.
	Key, UpdatedAt string
}

// key is the target f names.
func (f targetForm) key() string { return f.Year + "/" + f.Indicator + "/" + f.Division }

// breakdownView is an additive indicator's targets by division against
// the city's, for the form: the divisions' targets may not add up to more
// than the city's, and must equal it once all seven are set.
type breakdownView struct {
	Label      string
	Lines      []targetLine // the divisions with a target
	Sum, City  string
	Set, Count int
}

// YearQuery is the page's year for links.
func (v targetsView) YearQuery() string { return url.Values{"year": {strconv.Itoa(v.Year)}}.Encode() }

// targets fills the targets page of year, with the form f.
func (s *Server) targets(r *http.Request, l lang, year int, f targetForm) (*targetsView, error) {
	v := &targetsView{Year: year, Form: f}
	if v.Form.Year == "" {
		v.Form.Year = strconv.Itoa(year)
	}
	if v.Form.Division == "" {
		v.Form.Division = registry.CityCode
	}
	for _, ind := range insight.Catalogue {
		v.Indicators = append(v.Indicators, insightChoice{ind.Name, indicatorName(l, ind.Name), ind.Name == v.Form.Indicator})
	}
	v.Divisions = divisionChoices(l, append([]string{registry.CityCode}, registry.CountyCodes()...), v.Form.Division)
	ts, err := s.Insight.Targets(r.Context(), year)
	if err != nil {
		return v, err
	}
	for _, t := range ts {
		ind, _ := insight.ByName(t.Indicator)
		v.Targets = append(v.Targets, targetLine{t, indicatorName(l, t.Indicator), l.Division(t.Division), l.Figure(ind.Unit, t.Text)})
	}
	v.Form.open(ts)
	if ind, ok := insight.ByName(v.Form.Indicator); ok && ind.Additive {
		b := &breakdownView{Label: indicatorName(l, ind.Name), City: "–", Count: len(registry.CountyCodes())}
		var sum int64
		for _, t := range v.Targets {
			switch {
			case t.Indicator != ind.Name:
			case t.Division == registry.CityCode:
				b.City = t.ValueText
			default:
				b.Lines = append(b.Lines, t)
				sum += t.Value
				b.Set++
			}
		}
		b.Sum = l.Figure(ind.Unit, insight.Figure{Num: sum}.Text(ind.Unit))
		v.Breakdown = b
	}
	return v, nil
}

// open makes f the edit form of the target it names, when it names one
// and was not opened on it already: its value and set_at as read.
func (f *targetForm) open(ts []insight.Target) {
	if f.Indicator == "" || f.Key == f.key() {
		return
	}
	var at time.Time
	for _, t := range ts {
		if t.Indicator == f.Indicator && t.Division == f.Division {
			at = t.SetAt
			if f.Value == "" {
				f.Value = t.Text
			}
		}
	}
	f.Key, f.UpdatedAt = f.key(), access.Seen(at)
}

// uiTargets lists the year's targets, with who set them and when, and
// offers leadership the form that sets one.
func (s *Server) uiTargets(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	year, err := s.queryYear(r)
	if err != nil {
		year = s.today().Y
	}
	q := r.URL.Query()
	v, terr := s.targets(r, l, year, targetForm{Indicator: q.Get("indicator"), Division: q.Get("division")})
	if err == nil {
		err = terr
	}
	p := newPage(r, "insight.targets_title", v)
	if err != nil && !s.insightError(w, r, p, err) {
		return
	}
	render(w, r, "insight_targets", p)
}

// uiSetTarget sets a target from the form: bad input (a value that is not
// a count, an amount or a rate; a breakdown that does not add up) is
// shown on the form, translated, with the indicator's breakdown; once set,
// the year's overview of the division shows it against its progress.
func (s *Server) uiSetTarget(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	f := targetForm{Year: strings.TrimSpace(r.PostFormValue("year")), Indicator: r.PostFormValue("indicator"),
		Division: r.PostFormValue("division"), Value: strings.TrimSpace(r.PostFormValue("value")),
		Key: r.PostFormValue("target_key"), UpdatedAt: r.PostFormValue("updated_at")}
	seen := ""
	if f.Key == f.key() {
		seen = f.UpdatedAt
	}
	year, err := strconv.Atoi(f.Year)
	if err != nil {
		err = fault.Invalidf("year", "indicators.year", "%q is not a year", f.Year)
	}
	var t insight.Target
	if err == nil {
		t, err = s.Insight.SetTarget(r.Context(), insight.TargetInput{Year: year, Indicator: f.Indicator, Division: f.Division, Value: f.Value, UpdatedAt: seen})
	}
	if err == nil {
		http.Redirect(w, r, "/indicators?"+url.Values{"year": {strconv.Itoa(t.Year)}, "division": {t.Division}, "set": {t.Indicator}}.Encode(), http.StatusSeeOther)
		return
	}
	if !formError(err) {
		s.uiError(w, r, err)
		return
	}
	if year < 2000 || year > s.today().Y+1 {
		year = s.today().Y
	}
	v, terr := s.targets(r, l, year, f)
	p := newPage(r, "insight.targets_title", v)
	if terr != nil {
		s.uiError(w, r, terr)
		return
	}
	p.Error, p.Status = p.L.Error(err), statusOf(fault.KindOf(err))
	render(w, r, "insight_targets", p)
}

// uiTargetsXLSX downloads the year's targets.
func (s *Server) uiTargetsXLSX(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	year, err := s.queryYear(r)
	var v *targetsView
	if err == nil {
		v, err = s.targets(r, l, year, targetForm{})
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	header := []string{l.T("insight.indicator"), l.T("field.division"), l.T("insight.target"), l.T("insight.set_by"), l.T("insight.set_at")}
	var rows [][]any
	for _, t := range v.Targets {
		rows = append(rows, []any{t.Label, t.DivName, xlsxFigure(t.Text), t.SetBy, t.SetAt.In(cst).Format("2006-01-02 15:04")})
	}
	s.writeXLSX(w, r, "targets-"+strconv.Itoa(year)+".xlsx", l.T("insight.targets_title"), header, rows)
}
