package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hrss/access"
	"hrss/employment"
	"hrss/insight"
	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// The indicators' screens (指标): the year's overview of every indicator
// against its target (year to date, target, what the share of the year
// elapsed asks, the status with the rule that decided it, a progress bar
// and the progress chart); one indicator's page (its definition and
// source, the trend by month, the comparison of the divisions, the table
// of divisions × months whose cells lead the division's staff to the
// records behind them); the drill-down list; the targets leadership sets;
// the printable monthly report. Every table downloads as Excel. The
// figures, statuses and lists are insight.Service's: the screens word
// them in the reader's language, and the chart script (insight.js) only
// draws what the page hands it in data- attributes.

// insightUIRoutes are the indicators' browser screens, appended to
// uiRoutes().
func (s *Server) insightUIRoutes() []uiRoute {
	return []uiRoute{
		{"GET /indicators", s.insightUI(s.uiInsightOverview)},
		{"GET /indicators.xlsx", s.insightUI(s.uiInsightOverviewXLSX)},
		{"GET /indicators/{name}", s.insightUI(s.uiInsightIndicator)},
		{"GET /indicators/{name}/table.xlsx", s.insightUI(s.uiInsightIndicatorXLSX)},
		{"GET /indicators/{name}/records", s.insightUI(s.uiInsightDrill)},
		{"GET /indicators/{name}/records.xlsx", s.insightUI(s.uiInsightDrillXLSX)},
		{"GET /targets", s.insightUI(s.uiTargets)},
		{"POST /targets", s.insightUI(s.uiSetTarget)},
		{"GET /targets.xlsx", s.insightUI(s.uiTargetsXLSX)},
		{"GET /reports/monthly", s.insightUI(s.uiReport)},
		{"GET /reports/monthly.xlsx", s.insightUI(s.uiReportXLSX)},
	}
}

// insightUI answers the 404 page when the server runs without the
// indicators, and asks a signed-out browser to sign in first.
func (s *Server) insightUI(h http.HandlerFunc) http.HandlerFunc {
	return s.serviceUI(s.Insight != nil, h)
}

// CanInsight reports whether the signed-in user may use a part of the
// indicators' screens, to show or hide links and forms (the service
// decides again on every request):
//   - "targets": set the year's targets (leadership: analysts);
//   - "report": the monthly report of every division (analysts and
//     city-wide staff);
//   - "records": the lists behind the counts (the divisions' staff).
func (p *screen) CanInsight(what string) bool {
	c := p.Caller
	if c == nil {
		return false
	}
	switch what {
	case "targets":
		return c.Can(access.SetTargets) && !c.ReadOnly
	case "report":
		return c.Can(access.ReadAggregates) && (c.Role == access.Analyst || c.CityWide())
	case "records":
		return c.DivisionScoped() && c.Can(access.ReadPersons)
	}
	return false
}

// insightDivisions lists the divisions whose indicators c reads, in
// order: the city first (analysts and city-wide staff), then the
// counties in reach.
func insightDivisions(c access.Caller) []string {
	if !c.Can(access.ReadAggregates) {
		return nil
	}
	if c.Role == access.Analyst || c.CityWide() {
		return append([]string{registry.CityCode}, registry.CountyCodes()...)
	}
	var out []string
	for _, d := range registry.CountyCodes() {
		if c.InDivision(d) {
			out = append(out, d)
		}
	}
	return out
}

// insightChoice is one option of a select.
type insightChoice struct {
	Value, Label string
	Selected     bool
}

func divisionChoices(l lang, divs []string, chosen string) []insightChoice {
	out := make([]insightChoice, 0, len(divs))
	for _, d := range divs {
		out = append(out, insightChoice{d, l.Division(d), d == chosen})
	}
	return out
}

// indicatorName and indicatorDefinition word an indicator in l.
func indicatorName(l lang, name string) string { return l.T("indicator." + name) }

func indicatorDefinition(l lang, name string) string { return l.T("indicator." + name + ".definition") }

// Figure writes an indicator's value given as the domain's text in its
// unit: a count with thousands separators, money as money, a rate with
// its percent sign; "–" for no value.
func (l lang) Figure(u insight.Unit, text string) string {
	if strings.TrimSpace(text) == "" {
		return "–"
	}
	switch u {
	case insight.Money:
		if f, err := money.Parse(text); err == nil {
			return l.Money(f)
		}
	case insight.Percent:
		return text + "%"
	default:
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			if n < 0 {
				return "-" + groupThousands(-n)
			}
			return groupThousands(n)
		}
	}
	return text
}

// xlsxFigure is an indicator's value as an Excel cell: a number (money in
// yuan, rates in percent), or the text when it is none.
func xlsxFigure(text string) any {
	if d, err := money.ParseDec(text); err == nil {
		if d.IsInteger() && !strings.Contains(text, ".") {
			return d.IntPart()
		}
		f, _ := d.Float64()
		return f
	}
	return text
}

// percentOf is value / of × 100 with one decimal, and whether it is
// defined (both numbers, of not zero).
func percentOf(value, of string) (string, bool) {
	v, err1 := money.ParseDec(value)
	o, err2 := money.ParseDec(of)
	if err1 != nil || err2 != nil || o.IsZero() {
		return "", false
	}
	return v.Shift(2).Div(o).Round(1).StringFixed(1), true
}

// insightRow is one indicator of one division as a screen shows it.
type insightRow struct {
	insight.Row
	Ind         insight.Indicator
	Label       string // the indicator's name in the reader's language
	Definition  string
	DivName     string
	ValueText   string
	TargetText  string
	Expected    string
	StatusText  string
	RuleText    string
	Pct         string // the year to date as a percent of the target ("" without one)
	ExpectedPct string // what the share of the year elapsed asks, as a percent of the target
	Bar         string // Pct capped at 100, for the progress bar
}

// newInsightRow words r in l for the year.
func newInsightRow(l lang, year int, r insight.Row) insightRow {
	ind, _ := insight.ByName(r.Name)
	v := insightRow{Row: r, Ind: ind, Label: indicatorName(l, r.Name), Definition: indicatorDefinition(l, r.Name), DivName: l.Division(r.Division),
		ValueText: l.Figure(r.Unit, r.Value), TargetText: "–", Expected: "–", StatusText: l.T("insight.status." + string(r.Status))}
	if r.Target != nil {
		v.TargetText, v.Expected = l.Figure(r.Unit, *r.Target), l.Figure(r.Unit, r.Expected)
		v.Pct, _ = percentOf(r.Value, *r.Target)
		v.ExpectedPct, _ = percentOf(r.Expected, *r.Target)
		if v.Pct != "" {
			v.Bar = v.Pct
			if d, err := money.ParseDec(v.Pct); err == nil && d.GreaterThan(money.MustDec("100")) {
				v.Bar = "100"
			}
		}
	}
	v.RuleText = ruleText(l, year, ind, r)
	return v
}

// ruleText words the status rule that decided r's status in l (the
// domain's rule, insight.judge, with its numbers).
func ruleText(l lang, year int, ind insight.Indicator, r insight.Row) string {
	if r.Target == nil {
		return l.T("insight.rule.none", year)
	}
	value, expected := l.Figure(r.Unit, r.Value), l.Figure(r.Unit, r.Expected)
	what := l.T("insight.rule.stock", value, expected)
	if ind.Kind == insight.Flow {
		what = l.T("insight.rule.flow", value, expected, r.Elapsed())
	}
	dir := l.T("insight.rule.higher", r.Tolerance(), r.Tolerance())
	if ind.Direction == insight.Lower {
		dir = l.T("insight.rule.lower", r.Tolerance())
	}
	return what + l.T("insight.rule.sep") + dir + l.T("insight.rule.then", l.T("insight.status."+string(r.Status)))
}

// insightChart marshals a chart's data for its data-chart attribute.
func insightChart(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// numberOrNil is a value for a chart: the number's text, or nil for none.
func numberOrNil(text string) any {
	if _, err := money.ParseDec(text); err != nil {
		return nil
	}
	return text
}

// insightError sorts a failure of an indicators' screen: bad input is
// shown on the page with its form (true), anything else is the error page.
func (s *Server) insightError(w http.ResponseWriter, r *http.Request, p *screen, err error) bool {
	if fault.KindOf(err) == fault.Invalid {
		p.Error, p.Status = p.L.Error(err), statusOf(fault.Invalid)
		return true
	}
	s.uiError(w, r, err)
	return false
}

// overviewView is the year's overview of every indicator.
type overviewView struct {
	Year, MaxYear int
	Division      string
	Divisions     []insightChoice
	Rows          []insightRow
	ChartJSON     string // the progress chart's data ("" when no target is set)
	Done          string // the indicator whose target was just set
	Jobs          *employment.Indicators
	XLSX          string // the Excel download's query
}

// Query is the overview's query for links (year and division).
func (v overviewView) Query() string {
	return url.Values{"year": {strconv.Itoa(v.Year)}, "division": {v.Division}}.Encode()
}

// overview computes the overview of the request's year and division.
func (s *Server) overview(r *http.Request, l lang) (*overviewView, error) {
	c, _ := requireCaller(r)
	divs := insightDivisions(c)
	v := &overviewView{MaxYear: s.today().Y, Division: r.URL.Query().Get("division")}
	if v.Division == "" && len(divs) > 0 {
		v.Division = divs[0]
	}
	v.Divisions = divisionChoices(l, divs, v.Division)
	year, err := s.queryYear(r)
	v.Year = year
	if err != nil {
		v.Year = s.today().Y
		return v, err
	}
	rows, err := s.Insight.Indicators(r.Context(), insight.Query{Year: year, Division: v.Division})
	if err != nil {
		return v, err
	}
	type chart struct {
		Labels   []string `json:"labels"`
		Names    []string `json:"names"`
		Pct      []string `json:"pct"`
		Expected []string `json:"expected"`
		Status   []string `json:"status"`
		Text     []string `json:"text"`
	}
	ch := chart{Names: []string{l.T("insight.chart.pct"), l.T("insight.chart.expected_pct"), l.T("insight.chart.pct_axis")}}
	for _, row := range rows {
		x := newInsightRow(l, year, row)
		v.Rows = append(v.Rows, x)
		if x.Pct != "" {
			ch.Labels = append(ch.Labels, x.Label)
			ch.Pct = append(ch.Pct, x.Pct)
			ch.Expected = append(ch.Expected, x.ExpectedPct)
			ch.Status = append(ch.Status, string(x.Status))
			ch.Text = append(ch.Text, x.StatusText+" · "+x.ValueText+" / "+x.TargetText)
		}
	}
	if len(ch.Labels) > 0 {
		v.ChartJSON = insightChart(ch)
	}
	return v, nil
}

// uiInsightOverview shows every indicator of a year for one division
// (the city by default for leadership, the caller's first division for
// the divisions' staff), and the employment services' counts of today.
func (s *Server) uiInsightOverview(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	v, err := s.overview(r, l)
	p := newPage(r, "insight.title", v)
	if err != nil && !s.insightError(w, r, p, err) {
		return
	}
	if n := r.URL.Query().Get("set"); n != "" {
		if _, ok := insight.ByName(n); ok {
			v.Done = indicatorName(l, n)
		}
	}
	if s.Jobs != nil && err == nil {
		if ind, jerr := s.Jobs.Indicators(r.Context(), period.Date{}); jerr == nil {
			v.Jobs = &ind
		}
	}
	render(w, r, "insight", p)
}

// uiInsightOverviewXLSX downloads the overview's table.
func (s *Server) uiInsightOverviewXLSX(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	v, err := s.overview(r, l)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	header := []string{l.T("insight.indicator"), l.T("field.division"), l.T("insight.ytd"), l.T("insight.target"), l.T("insight.expected"),
		l.T("insight.pct"), l.T("insight.status"), l.T("insight.rule"), l.T("insight.definition")}
	var rows [][]any
	for _, x := range v.Rows {
		target := ""
		if x.Target != nil {
			target = *x.Target
		}
		rows = append(rows, []any{x.Label, x.DivName, xlsxFigure(x.Value), xlsxFigure(target), xlsxFigure(x.Row.Expected), xlsxFigure(x.Pct),
			x.StatusText, x.RuleText, x.Definition})
	}
	s.writeXLSX(w, r, "indicators-"+strconv.Itoa(v.Year)+"-"+v.Division+".xlsx", l.T("insight.title"), header, rows)
}

// indicatorView is one indicator's page.
type indicatorView struct {
	Year, MaxYear  int
	Division       string
	Divisions      []insightChoice
	Ind            insight.Indicator
	Label          string
	Definition     string
	Months         []string // the months' labels
	Selected       *insightRow
	Table          []indicatorLine
	TrendJSON      string
	DivisionsJSON  string
	Drill          bool // the cells lead to the lists
	CityLine       bool // the table has the city's line
	periods        []period.YearMonth
	AggregatesOnly bool // the reader reads aggregates only (a note says so)
}

// indicatorLine is one division's line of the table.
type indicatorLine struct {
	insightRow
	Cells    []indicatorCell
	Selected bool
}

// indicatorCell is one month's value, with the link to its records.
type indicatorCell struct {
	Text, Link string
}

// Query is the page's query for links (year and division).
func (v indicatorView) Query() string {
	return url.Values{"year": {strconv.Itoa(v.Year)}, "division": {v.Division}}.Encode()
}

// YearQuery is the page's year for links.
func (v indicatorView) YearQuery() string { return url.Values{"year": {strconv.Itoa(v.Year)}}.Encode() }

// indicatorPage computes one indicator's page.
func (s *Server) indicatorPage(r *http.Request, l lang) (*indicatorView, error) {
	c, _ := requireCaller(r)
	name := r.PathValue("name")
	ind, ok := insight.ByName(name)
	if !ok {
		return nil, fault.NotFoundf("no indicator %q", name)
	}
	divs := insightDivisions(c)
	v := &indicatorView{Ind: ind, Label: indicatorName(l, name), Definition: indicatorDefinition(l, name), MaxYear: s.today().Y,
		Division: r.URL.Query().Get("division")}
	if v.Division == "" && len(divs) > 0 {
		v.Division = divs[0]
	}
	v.Divisions = divisionChoices(l, divs, v.Division)
	year, err := s.queryYear(r)
	v.Year = year
	if err != nil {
		v.Year = s.today().Y
		return v, err
	}
	rows, err := s.Insight.Indicators(r.Context(), insight.Query{Year: year, Names: []string{name}})
	if err != nil {
		return v, err
	}
	for _, m := range s.Insight.Months(year) {
		v.periods = append(v.periods, m.Period)
		v.Months = append(v.Months, l.Month(m.Period))
	}
	staff := c.DivisionScoped() && c.Can(access.ReadPersons)
	v.Drill = staff && ind.Persons
	v.AggregatesOnly = ind.Persons && !staff
	type divChart struct {
		Labels  []string `json:"labels"`
		Values  []any    `json:"values"`
		Targets []any    `json:"targets"`
		Names   []string `json:"names"`
	}
	dc := divChart{Names: []string{l.T("insight.ytd"), l.T("insight.target")}}
	for _, row := range rows {
		line := indicatorLine{insightRow: newInsightRow(l, year, row), Selected: row.Division == v.Division}
		for _, p := range v.periods {
			cell := indicatorCell{Text: l.Figure(row.Unit, row.ByMonth[p.String()])}
			if v.Drill && row.Division != registry.CityCode && c.InDivision(row.Division) {
				cell.Link = "/indicators/" + name + "/records?" + url.Values{"division": {row.Division}, "period": {p.String()}}.Encode()
			}
			line.Cells = append(line.Cells, cell)
		}
		if line.Selected {
			sel := line.insightRow
			v.Selected = &sel
		}
		if row.Division == registry.CityCode {
			v.CityLine = true
		} else {
			dc.Labels = append(dc.Labels, l.Division(row.Division))
			dc.Values = append(dc.Values, numberOrNil(row.Value))
			var t any
			if row.Target != nil {
				t = *row.Target
			}
			dc.Targets = append(dc.Targets, t)
		}
		v.Table = append(v.Table, line)
	}
	if v.Selected != nil {
		sel := v.Selected.Row
		trend := map[string]any{"months": v.Months, "flow": ind.Kind == insight.Flow,
			"names": []string{l.T("insight.chart.month"), l.T("insight.ytd"), l.T("insight.target"), unitName(l, ind.Unit)}}
		var values, toDate []any
		for i, p := range v.periods {
			values = append(values, numberOrNil(sel.ByMonth[p.String()]))
			toDate = append(toDate, numberOrNil(sel.ToDate()[i]))
		}
		trend["values"], trend["todate"] = values, toDate
		if sel.Target != nil {
			trend["target"] = *sel.Target
		}
		v.TrendJSON = insightChart(trend)
	}
	if len(dc.Labels) > 1 {
		v.DivisionsJSON = insightChart(dc)
	}
	return v, nil
}

// unitName is the unit of an indicator's values in l, for a chart's axis.
func unitName(l lang, u insight.Unit) string { return l.T("insight.unit." + string(u)) }

// uiInsightIndicator shows one indicator: its definition, the chosen
// division's progress and trend by month, the divisions compared, and
// the table of divisions × months.
func (s *Server) uiInsightIndicator(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	v, err := s.indicatorPage(r, l)
	if v == nil {
		s.uiError(w, r, err)
		return
	}
	p := newPage(r, "indicator."+v.Ind.Name, v)
	if err != nil && !s.insightError(w, r, p, err) {
		return
	}
	render(w, r, "insight_indicator", p)
}

// uiInsightIndicatorXLSX downloads the table of divisions × months.
func (s *Server) uiInsightIndicatorXLSX(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	v, err := s.indicatorPage(r, l)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	header := append(append([]string{l.T("field.division")}, v.Months...), l.T("insight.ytd"), l.T("insight.target"), l.T("insight.expected"), l.T("insight.status"))
	var rows [][]any
	for _, line := range v.Table {
		row := []any{line.DivName}
		for _, p := range v.periods {
			row = append(row, xlsxFigure(line.ByMonth[p.String()]))
		}
		target := ""
		if line.Target != nil {
			target = *line.Target
		}
		rows = append(rows, append(row, xlsxFigure(line.Value), xlsxFigure(target), xlsxFigure(line.Row.Expected), line.StatusText))
	}
	s.writeXLSX(w, r, v.Ind.Name+"-"+strconv.Itoa(v.Year)+".xlsx", sheetName(v.Label), header, rows)
}

// sheetName clips a sheet's name to Excel's 31 characters.
func sheetName(s string) string {
	rs := []rune(s)
	if len(rs) > 31 {
		rs = rs[:31]
	}
	return strings.NewReplacer("/", " ", "?", " ", "*", " ", "[", "(", "]", ")", ":", " ").Replace(string(rs))
}

// drillView is the list of the records behind one count.
type drillView struct {
	Ind       insight.Indicator
	Label     string
	Division  string
	Period    period.YearMonth
	Records   []drillRecord
	Total     int // the records' signed sum: the count itself
	Truncated bool
	Hidden    int // records of persons outside the reader's divisions
}

// drillRecord is one record of the list, worded.
type drillRecord struct {
	insight.Record
	SignText, WhatText string
}

// Query is the list's query for links.
func (v drillView) Query() string {
	return url.Values{"division": {v.Division}, "period": {v.Period.String()}}.Encode()
}

// IndicatorQuery is the query of the indicator's page of the list's year and division.
func (v drillView) IndicatorQuery() string {
	return url.Values{"year": {strconv.Itoa(v.Period.Year())}, "division": {v.Division}}.Encode()
}

// drill lists the records of the request's indicator, division and month.
func (s *Server) drill(r *http.Request, l lang) (*drillView, error) {
	name := r.PathValue("name")
	ind, ok := insight.ByName(name)
	if !ok {
		return nil, fault.NotFoundf("no indicator %q", name)
	}
	div, p, err := drillQuery(r)
	if err != nil {
		return nil, err
	}
	recs, err := s.Insight.Drill(r.Context(), name, div, p, 0)
	if err != nil {
		return nil, err
	}
	v := &drillView{Ind: ind, Label: indicatorName(l, name), Division: div, Period: p, Truncated: len(recs) >= insight.MaxRecords}
	for _, rec := range recs {
		v.Total += rec.Sign
		if rec.OutOfReach {
			v.Hidden++
		}
		v.Records = append(v.Records, drillRecord{Record: rec, SignText: s.signText(l, name, rec.Sign), WhatText: s.whatText(l, rec.What)})
	}
	return v, nil
}

// signText words how a record counts.
func (s *Server) signText(l lang, name string, sign int) string {
	switch {
	case name == "graduates_employed_rate" && sign > 0:
		return l.T("insight.sign.graduate_yes")
	case name == "graduates_employed_rate":
		return l.T("insight.sign.graduate_no")
	case sign < 0:
		return l.T("insight.sign.minus")
	}
	return l.T("insight.sign.plus")
}

// whatText names the kind of record behind a count: a relation, an
// enrolment, a claim, a registration, a graduate, or a grant's programme.
func (s *Server) whatText(l lang, what string) string {
	if l.Has("insight.what." + what) {
		return l.T("insight.what." + what)
	}
	if s.Support != nil {
		if g := s.programme(what); g != nil {
			return programmeName(l, g)
		}
	}
	return what
}

// uiInsightDrill lists the persons behind one count, with links to their
// pages, for the division's staff; any other role is refused with the
// reason (the lists are not for aggregates' readers).
func (s *Server) uiInsightDrill(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	v, err := s.drill(r, l)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	render(w, r, "insight_drill", newPage(r, "insight.drill_title", v))
}

// uiInsightDrillXLSX downloads the list (the same audited view).
func (s *Server) uiInsightDrillXLSX(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	v, err := s.drill(r, l)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	header := []string{l.T("insight.person_id"), l.T("field.name"), l.T("insight.counts"), l.T("insight.record"), l.T("insight.ref"), l.T("insight.date"), l.T("insight.amount")}
	var rows [][]any
	for _, x := range v.Records {
		name := x.Name
		if x.OutOfReach {
			name = l.T("insight.out_of_reach")
		}
		rows = append(rows, []any{x.PersonID, name, x.SignText, x.WhatText, x.Ref, x.Date, xlsxFigure(x.Amount)})
	}
	s.writeXLSX(w, r, v.Ind.Name+"-"+v.Division+"-"+v.Period.String()+".xlsx", sheetName(v.Label), header, rows)
}

// reportView is the monthly report as a page.
type reportView struct {
	Period  string
	Month   period.YearMonth
	Columns []reportColumn
	Rows    []reportLine
}

// reportColumn is one column of the report, named in the reader's language.
type reportColumn struct {
	insight.ReportColumn
	Label string
}

// reportLine is one division's line of the report.
type reportLine struct {
	Division string
	Name     string
	City     bool
	Cells    []string // per column the month's value and, for a flow, the year to date
}

// uiReport shows the fixed-format monthly report of a month (the last
// month by default), printable, with its Excel download.
func (s *Server) uiReport(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	v := &reportView{Period: pick(r.URL.Query().Get("period"), s.today().Month().Add(-1).String())}
	p := newPage(r, "insight.report_title", v)
	m, err := parsePeriod("period", v.Period)
	var rep insight.Report
	if err == nil {
		rep, err = s.Insight.Report(r.Context(), m)
	}
	if err != nil {
		if s.insightError(w, r, p, err) {
			render(w, r, "insight_report", p)
		}
		return
	}
	v.Month = m
	for _, c := range rep.Columns {
		v.Columns = append(v.Columns, reportColumn{c, indicatorName(l, c.Indicator)})
	}
	for _, row := range rep.Rows {
		line := reportLine{Division: row.Division, Name: l.Division(row.Division), City: row.Division == registry.CityCode}
		for i, c := range rep.Columns {
			line.Cells = append(line.Cells, l.Figure(c.Unit, row.Month[i]))
			if c.YTD {
				line.Cells = append(line.Cells, l.Figure(c.Unit, row.YTD[i]))
			}
		}
		v.Rows = append(v.Rows, line)
	}
	render(w, r, "insight_report", p)
}

// uiReportXLSX downloads the monthly report: the domain's workbook, the
// same as hrss report --out.
func (s *Server) uiReportXLSX(w http.ResponseWriter, r *http.Request) {
	m, err := reportPeriod(r)
	var rep insight.Report
	if err == nil {
		rep, err = s.Insight.Report(r.Context(), m)
	}
	var file []byte
	if err == nil {
		file, err = rep.XLSX()
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	writeAttachment(w, "monthly-report-"+m.String()+".xlsx", file)
}
