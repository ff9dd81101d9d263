package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/xuri/excelize/v2"

	"hrss/access"
	"hrss/employment"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Excel downloads of the lists: the same query as the screen, every page
// of it (up to uiXLSXMax rows), headers in the user's language, amounts
// as numbers in yuan. The services check scope as for the screen.

// uiXLSXMax bounds the rows of one download.
const uiXLSXMax = 100_000

// writeXLSX sends one sheet as an .xlsx attachment named name.
func (s *Server) writeXLSX(w http.ResponseWriter, r *http.Request, name, sheet string, header []string, rows [][]any) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", sheet)
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = h
	}
	sw, err := f.NewStreamWriter(sheet)
	if err == nil {
		err = sw.SetRow("A1", hdr)
	}
	for i, row := range rows {
		if err != nil {
			break
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		err = sw.SetRow(cell, row)
	}
	if err == nil {
		err = sw.Flush()
	}
	var buf bytes.Buffer
	if err == nil {
		err = f.Write(&buf)
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Write(buf.Bytes())
}

// XLSXQuery is the list's query for its download link (no paging).
func (v graduatesView) XLSXQuery() string {
	q := url.Values{}
	if v.Division != "" {
		q.Set("division", v.Division)
	}
	if v.OverdueOnly {
		q.Set("overdue", "true")
	}
	return q.Encode()
}

// uiGraduatesXLSX downloads the follow-up list.
func (s *Server) uiGraduatesXLSX(w http.ResponseWriter, r *http.Request) {
	if s.Jobs == nil {
		s.uiNotFound(w, r)
		return
	}
	c, err := requireCaller(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	l, q := langOf(r), r.URL.Query()
	gq := employment.GraduateQuery{Division: q.Get("division"), OverdueOnly: q.Get("overdue") == "true", Page: registry.Page{Limit: registry.MaxPage}}
	if gq.Division == "" {
		gq.Division = defaultDivision(c)
	}
	kinds := []employment.ServiceKind{employment.PolicyBriefing, employment.CareerGuidance, employment.JobLead, employment.Training}
	header := []string{l.T("field.name"), l.T("field.division"), l.T("graduates.school"), l.T("graduates.major"), l.T("field.education"), l.T("graduates.left")}
	for _, k := range kinds {
		header = append(header, l.T("service."+string(k)))
	}
	header = append(header, l.T("graduates.complete"), l.T("graduates.overdue"), l.T("graduates.missing"))
	var rows [][]any
	for len(rows) < uiXLSXMax {
		page, err := s.Jobs.FollowUps(r.Context(), gq)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		for _, f := range page {
			row := []any{f.Name, l.Division(f.Division), f.School, f.Major, l.T("education." + string(f.Degree)), f.Left.String()}
			for _, k := range kinds {
				row = append(row, f.Services[k])
			}
			row = append(row, yesNo(l, f.Complete), yesNo(l, f.Overdue), strings.Join(append(f.Missing, f.OverdueFor...), "; "))
			rows = append(rows, row)
		}
		if len(page) < gq.Limit {
			break
		}
		gq.After = page[len(page)-1].PersonID
	}
	s.writeXLSX(w, r, "graduates-"+gq.Division+".xlsx", l.T("graduates.sheet"), header, rows)
}

// uiPersonsXLSX downloads the result of a person search, the resident
// IDs and phone numbers masked; with whole=1 and a reason, whole (for a
// role with access.RevealIdentity, audited with the reason). A refused
// export with whole numbers answers problem JSON naming the rule (403
// auth.permission, 422 reveal.reason): it is a file, not a page.
func (s *Server) uiPersonsXLSX(w http.ResponseWriter, r *http.Request) {
	l, q := langOf(r), r.URL.Query()
	pq := registry.PersonQuery{ResidentID: strings.TrimSpace(q.Get("resident_id")), NamePrefix: strings.TrimSpace(q.Get("name")), Division: q.Get("division"),
		Whole: q.Get("whole") == "1", Reason: q.Get("reason"), Page: registry.Page{Limit: registry.MaxPage}}
	fail := s.uiError
	if pq.Whole {
		fail = writeError
	}
	if pq.ResidentID == "" && pq.NamePrefix == "" && pq.Division == "" {
		fail(w, r, fault.Invalidf("division", "query.required", "give a resident ID number, a name or a division"))
		return
	}
	header := []string{l.T("field.name"), l.T("field.resident_id"), l.T("field.sex"), l.T("field.birth"), l.T("field.residence_division"), l.T("field.education"), l.T("field.phone")}
	var rows [][]any
	for len(rows) < uiXLSXMax {
		ps, err := s.Registry.FindPersons(r.Context(), pq)
		if err != nil {
			fail(w, r, err)
			return
		}
		for _, p := range ps {
			rows = append(rows, []any{p.Name, string(p.ResidentID), l.T("sex." + string(p.Sex)), p.Birth.String(), l.Division(p.ResidenceDivision), l.T("education." + string(p.Education)), p.Phone})
		}
		if len(ps) < pq.Limit {
			break
		}
		pq.After = ps[len(ps)-1].ID
	}
	s.writeXLSX(w, r, "persons.xlsx", l.T("persons.sheet"), header, rows)
}

// uiEmployeesXLSX downloads an employer's employment relations.
func (s *Server) uiEmployeesXLSX(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	l, ctx := langOf(r), r.Context()
	if _, err := s.Registry.Employer(ctx, id); err != nil {
		s.uiError(w, r, err)
		return
	}
	header := []string{l.T("employer.person"), l.T("field.start"), l.T("field.end"), l.T("field.separation"), l.T("field.declared_wage"), l.T("field.insurances")}
	f := registry.EmploymentFilter{EmployerID: id, Page: registry.Page{Limit: registry.MaxPage}}
	var rows [][]any
	for len(rows) < uiXLSXMax {
		es, err := s.Registry.ListEmployments(ctx, f)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		for _, e := range es {
			sep, ins := "", make([]string, len(e.Insurances))
			if e.Separation != "" {
				sep = l.T("separation." + string(e.Separation))
			}
			for i, x := range e.Insurances {
				ins[i] = l.T("insurance." + string(x))
			}
			wage, _ := e.DeclaredWage.Dec().Float64() // yuan as a number Excel can sum (two decimals, exact enough for display)
			rows = append(rows, []any{e.PersonID, e.Start.String(), dateText(e.End), sep, wage, strings.Join(ins, ", ")})
		}
		if len(es) < f.Limit {
			break
		}
		f.After = es[len(es)-1].ID
	}
	s.writeXLSX(w, r, "employees-"+itoa(id)+".xlsx", l.T("employer.employees"), header, rows)
}

func dateText(d period.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func yesNo(l lang, b bool) string {
	if b {
		return l.T("yes")
	}
	return l.T("no")
}

// uiClaimsXLSX downloads the claims list of the same status filter.
func (s *Server) uiClaimsXLSX(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	l, status := langOf(r), r.URL.Query().Get("status")
	if status == "all" {
		status = ""
	}
	cs, err := s.Insurance.Claims(r.Context(), insurance.ClaimFilter{Status: insurance.ClaimStatus(status)})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	header := []string{"#", l.T("claim.kind"), l.T("employer.person"), l.T("field.division"), l.T("field.status"), l.T("claim.start"),
		l.T("claim.monthly"), l.T("claim.months_paid"), l.T("claim.preparer"), l.T("claim.reviewer")}
	var rows [][]any
	for _, c := range cs {
		monthly, _ := c.Monthly.Dec().Float64()
		rows = append(rows, []any{c.ID, l.T("claim.kind." + string(c.Kind)), c.PersonID, l.Division(c.Division), l.T("claim.status." + string(c.Status)),
			c.Start.String(), monthly, c.MonthsPaid, c.Preparer, c.Reviewer})
	}
	s.writeXLSX(w, r, "claims.xlsx", l.T("claims.title"), header, rows)
}

// uiAuditXLSX downloads the audit trail of the same filters (newest
// first, at most uiXLSXMax entries).
func (s *Server) uiAuditXLSX(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	l := langOf(r)
	header := []string{"#", l.T("audit.at"), l.T("audit.who"), l.T("users.role"), l.T("audit.action"), l.T("audit.object"), l.T("audit.subjects"), l.T("audit.ip"), l.T("audit.reason")}
	f.Limit = access.MaxPage
	var rows [][]any
	for len(rows) < uiXLSXMax {
		es, err := s.Access.ListAudit(r.Context(), f)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		for _, e := range es {
			subj := make([]string, len(e.Subjects))
			for i, p := range e.Subjects {
				subj[i] = itoa(p)
			}
			rows = append(rows, []any{e.Seq, e.At.In(cst).Format("2006-01-02 15:04:05"), e.Actor, string(e.Role), e.Action, e.Object, strings.Join(subj, " "), e.IP, e.Reason})
		}
		if len(es) < f.Limit {
			break
		}
		f.Before = es[len(es)-1].Seq
	}
	s.writeXLSX(w, r, "audit.xlsx", l.T("audit.title"), header, rows)
}

// uiBillsXLSX downloads every bill of employer {id}, latest period first.
func (s *Server) uiBillsXLSX(w http.ResponseWriter, r *http.Request) {
	if s.Insurance == nil {
		s.uiNotFound(w, r)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if _, err := s.Registry.Employer(r.Context(), id); err != nil {
		s.uiError(w, r, err)
		return
	}
	bills, err := s.Insurance.Bills(r.Context(), insurance.BillFilter{PayerKind: insurance.PayerEmployer, PayerID: id})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	l := langOf(r)
	header := []string{l.T("bill.period"), l.T("bill.persons"), l.T("bill.employer_part"), l.T("bill.individual_part"), l.T("bill.due"), l.T("bill.paid"), l.T("bill.due_date")}
	yuan := func(f money.Fen) float64 { v, _ := f.Dec().Float64(); return v }
	var rows [][]any
	for i := len(bills) - 1; i >= 0; i-- {
		b := bills[i]
		rows = append(rows, []any{b.Period.String(), b.Persons, yuan(b.EmployerPart), yuan(b.IndividualPart), yuan(b.Due), yuan(b.Paid), b.DueDate.String()})
	}
	s.writeXLSX(w, r, "bills-"+itoa(id)+".xlsx", l.T("employer.bills"), header, rows)
}
