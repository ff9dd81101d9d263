package web

import (
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"hrss/insight"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// The indicators' routes: the bureau's indicators for a year by division
// and month with their targets and status, the records behind one count
// (the drill-down, for the division's staff), the targets leadership
// sets, and the fixed-format monthly report as JSON and Excel. Each
// handler parses, calls insight.Service and renders; the service checks
// the caller.

// insightRoutes are the indicators' API routes, appended to routes().
func (s *Server) insightRoutes() []route {
	return []route{
		{"GET", "/api/v1/indicators", s.insight(s.apiIndicators)},
		{"GET", "/api/v1/indicators/{name}/records", s.insight(s.apiDrill)},
		{"GET", "/api/v1/targets", s.insight(s.apiTargets)},
		{"PUT", "/api/v1/targets", s.insight(s.apiSetTarget)},
		{"GET", "/api/v1/reports/monthly", s.insight(s.apiReport)},
		{"GET", "/api/v1/reports/monthly.xlsx", s.insight(s.apiReportXLSX)},
	}
}

// insight wraps a handler of the indicators: a server wired without them
// answers 500 rather than panicking.
func (s *Server) insight(h func(http.ResponseWriter, *http.Request, *insight.Service)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Insight == nil {
			writeError(w, r, &fault.Error{Kind: fault.Internal, Message: "the indicators are not wired into this server"})
			return
		}
		h(w, r, s.Insight)
	}
}

// indicatorsJSON is the answer of GET /api/v1/indicators: one item per
// indicator and division, and the definitions of the indicators listed.
type indicatorsJSON struct {
	Year       int                 `json:"year"`
	Items      []insight.Row       `json:"items"`
	Indicators []insight.Indicator `json:"indicators"`
}

// queryYear reads the year query parameter; without it, the current year.
func (s *Server) queryYear(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get("year"))
	if v == "" {
		return s.today().Y, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil {
		return 0, fault.Invalidf("year", "indicators.year", "%q is not a year", v)
	}
	return y, nil
}

// queryIndicators reads the indicator query parameter: names separated by
// commas, or the parameter repeated; none for all.
func queryIndicators(r *http.Request) []string {
	var out []string
	for _, v := range r.URL.Query()["indicator"] {
		for _, n := range strings.Split(v, ",") {
			if n = strings.TrimSpace(n); n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

func (s *Server) apiIndicators(w http.ResponseWriter, r *http.Request, svc *insight.Service) {
	year, err := s.queryYear(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	q := insight.Query{Year: year, Division: r.URL.Query().Get("division"), Names: queryIndicators(r)}
	rows, err := svc.Indicators(r.Context(), q)
	out := indicatorsJSON{Year: year, Items: nonNil(rows), Indicators: []insight.Indicator{}}
	for _, ind := range insight.Catalogue {
		if len(q.Names) == 0 || slices.Contains(q.Names, ind.Name) {
			out.Indicators = append(out.Indicators, ind)
		}
	}
	respond(w, r, http.StatusOK, out, err)
}

// drillQuery reads the division and period of a drill-down.
func drillQuery(r *http.Request) (string, period.YearMonth, error) {
	q := r.URL.Query()
	div := strings.TrimSpace(q.Get("division"))
	if div == "" {
		return "", 0, fault.Invalidf("division", "indicators.division", "give the division of the count")
	}
	if q.Get("period") == "" {
		return "", 0, fault.Invalidf("period", "period.format", "give the month of the count, YYYY-MM")
	}
	p, err := parsePeriod("period", q.Get("period"))
	return div, p, err
}

func (s *Server) apiDrill(w http.ResponseWriter, r *http.Request, svc *insight.Service) {
	div, p, err := drillQuery(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		writeError(w, r, err)
		return
	}
	recs, err := svc.Drill(r.Context(), r.PathValue("name"), div, p, int(limit))
	respond(w, r, http.StatusOK, items(recs), err)
}

func (s *Server) apiTargets(w http.ResponseWriter, r *http.Request, svc *insight.Service) {
	year, err := s.queryYear(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	ts, err := svc.Targets(r.Context(), year)
	respond(w, r, http.StatusOK, items(ts), err)
}

func (s *Server) apiSetTarget(w http.ResponseWriter, r *http.Request, svc *insight.Service) {
	var in insight.TargetInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	t, err := svc.SetTarget(r.Context(), in)
	respond(w, r, http.StatusOK, t, err)
}

// reportPeriod reads the period of the monthly report (required).
func reportPeriod(r *http.Request) (period.YearMonth, error) {
	v := r.URL.Query().Get("period")
	if v == "" {
		return 0, fault.Invalidf("period", "period.format", "give the month of the report, YYYY-MM")
	}
	return parsePeriod("period", v)
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request, svc *insight.Service) {
	p, err := reportPeriod(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	rep, err := svc.Report(r.Context(), p)
	respond(w, r, http.StatusOK, rep, err)
}

func (s *Server) apiReportXLSX(w http.ResponseWriter, r *http.Request, svc *insight.Service) {
	p, err := reportPeriod(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	rep, err := svc.Report(r.Context(), p)
	var file []byte
	if err == nil {
		file, err = rep.XLSX()
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeAttachment(w, "monthly-report-"+p.String()+".xlsx", file)
}

// writeAttachment sends an Excel workbook as an attachment named name.
func writeAttachment(w http.ResponseWriter, name string, file []byte) {
	w.Header().Set("Content-Type", insightXLSXType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(file)))
	w.Write(file)
}

// insightXLSXType is the content type of an Excel workbook.
const insightXLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
