package insight

import (
	"context"
	"fmt"

	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/period"
	"hrss/sheet"
)

// ReportColumns are the monthly report's columns, in order: the shape of
// the monthly statistics sent to the province (人力资源社会保障统计月报),
// each the month's value and, for flows, the year to date.
var ReportColumns = []string{"new_urban_jobs", "registered_unemployed", "registered_unemployment_rate", "insured_persons",
	"new_insured_persons", "contribution_billed", "contribution_income", "arrears", "benefit_spending_pension",
	"benefit_spending_unemployment", "subsidies_granted", "placements"}

// Report is the fixed-format monthly report of one period by division.
type Report struct {
	Period  period.YearMonth `json:"period"`
	Columns []ReportColumn   `json:"columns"`
	Rows    []ReportRow      `json:"rows"` // the seven divisions, then the city
}

// ReportColumn is one column of the report.
type ReportColumn struct {
	Indicator string `json:"indicator"`
	ZH        string `json:"zh"`
	EN        string `json:"en"`
	Unit      Unit   `json:"unit"`
	YTD       bool   `json:"ytd"` // a flow: the report shows the year to date beside the month
}

// ReportRow is one division's line.
type ReportRow struct {
	Division string   `json:"division"`
	Month    []string `json:"month"` // per column, the month's value
	YTD      []string `json:"ytd"`   // per column, the year to date ("" for a stock)
}

// Report computes the monthly report of period p: the month's figures of
// ReportColumns for every division and the city, from the same snapshot
// and the same queries as the indicators (so the report and the screens
// never disagree). Whoever reads every division's indicators may (an
// analyst, System, a city-wide caseworker or reviewer).
func (s *Service) Report(ctx context.Context, p period.YearMonth) (Report, error) {
	if p > s.today().Month() || p.Year() < 2000 {
		return Report{}, fault.Invalidf("period", "report.period", "%s is not a month that has begun", p)
	}
	rows, err := s.Indicators(ctx, Query{Year: p.Year(), Names: ReportColumns})
	if err != nil {
		return Report{}, err
	}
	if len(rows) < len(ReportColumns)*8 {
		return Report{}, &fault.Error{Kind: fault.Forbidden, Rule: "insight.report_city",
			Message: "the monthly report covers every division: it is for city-wide staff and leadership"}
	}
	rep := Report{Period: p}
	for _, n := range ReportColumns {
		ind, _ := ByName(n)
		rep.Columns = append(rep.Columns, ReportColumn{Indicator: n, ZH: ind.ZH, EN: ind.EN, Unit: ind.Unit, YTD: ind.Kind == Flow})
	}
	for _, d := range append(registry.CountyCodes(), registry.CityCode) {
		line := ReportRow{Division: d}
		for _, n := range ReportColumns {
			r := find(rows, n, d)
			ind, _ := ByName(n)
			line.Month = append(line.Month, r.ByMonth[p.String()])
			ytd := ""
			if ind.Kind == Flow {
				ytd = yearToDate(ind, r.months[:p.Month()]).Text(ind.Unit)
			}
			line.YTD = append(line.YTD, ytd)
		}
		rep.Rows = append(rep.Rows, line)
	}
	return rep, nil
}

func find(rows []Row, name, division string) Row {
	for _, r := range rows {
		if r.Name == name && r.Division == division {
			return r
		}
	}
	return Row{}
}

// XLSX writes the report as an Excel workbook: a header of Chinese and
// English column names (本月 this month, 累计 year to date), a line per
// division with its code and name, the city last.
func (r Report) XLSX() ([]byte, error) {
	head := []string{"区划代码 division", "区划 name"}
	for _, c := range r.Columns {
		head = append(head, fmt.Sprintf("%s 本月 (%s, month)", c.ZH, c.EN))
		if c.YTD {
			head = append(head, fmt.Sprintf("%s 累计 (%s, year to date)", c.ZH, c.EN))
		}
	}
	var rows [][]string
	for _, l := range r.Rows {
		d, _ := registry.DivisionByCode(l.Division)
		row := []string{l.Division, d.Name}
		for i, c := range r.Columns {
			row = append(row, l.Month[i])
			if c.YTD {
				row = append(row, l.YTD[i])
			}
		}
		rows = append(rows, row)
	}
	return sheet.XLSX("月报 "+r.Period.String(), head, rows)
}
