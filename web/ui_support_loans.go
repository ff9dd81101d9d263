package web

import (
	"net/http"
	"strconv"
	"strings"

	"hrss/access"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/support"
)

// ---- loans

// loansView is the loans list with the application form.
type loansView struct {
	Loans    []support.StartupLoan
	Form     loanForm
	Borrower string // fixed for a citizen (individual) and an agent (enterprise); "" lets staff choose
}

// loanForm is the application form as typed.
type loanForm struct {
	Borrower, PersonID, EmployerID, Bank, Guarantor, Principal, Term, Rate, Signed string
}

// uiLoans lists the loans the caller may see, with the application form.
func (s *Server) uiLoans(w http.ResponseWriter, r *http.Request) {
	s.renderLoans(w, r, nil, nil)
}

func (s *Server) renderLoans(w http.ResponseWriter, r *http.Request, form *loanForm, formErr error) {
	c, _ := requireCaller(r)
	ls, err := s.Support.Loans(r.Context(), support.LoanFilter{})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := loansView{Loans: ls, Form: loanForm{Borrower: string(rules.BorrowerIndividual), Signed: s.today().String(), Term: "36"}}
	switch c.Role {
	case access.Citizen:
		v.Borrower = string(rules.BorrowerIndividual)
	case access.EmployerAgent:
		v.Borrower = string(rules.BorrowerEnterprise)
		v.Form.Borrower = v.Borrower
	}
	if form != nil {
		v.Form = *form
	}
	p := newPage(r, "loans.title", &v)
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "support_loans", p)
}

// uiApplyLoan records an application from the form: a citizen for
// themselves, an agent for their enterprise, a caseworker for either;
// the terms come from the rules.
func (s *Server) uiApplyLoan(w http.ResponseWriter, r *http.Request) {
	c, _ := requireCaller(r)
	f := loanForm{Borrower: r.PostFormValue("borrower"), PersonID: strings.TrimSpace(r.PostFormValue("person_id")), EmployerID: strings.TrimSpace(r.PostFormValue("employer_id")),
		Bank: r.PostFormValue("bank"), Guarantor: r.PostFormValue("guarantor"), Principal: strings.TrimSpace(r.PostFormValue("principal")),
		Term: strings.TrimSpace(r.PostFormValue("term_months")), Rate: strings.TrimSpace(r.PostFormValue("contract_rate")), Signed: strings.TrimSpace(r.PostFormValue("signed"))}
	in := support.LoanInput{Borrower: f.Borrower, Bank: f.Bank, Guarantor: f.Guarantor, Principal: f.Principal, ContractRate: f.Rate, Signed: f.Signed}
	var err error
	switch c.Role {
	case access.Citizen:
		in.Borrower, in.PersonID = string(rules.BorrowerIndividual), c.PersonID
	case access.EmployerAgent:
		in.Borrower, in.EmployerID = string(rules.BorrowerEnterprise), c.EmployerID
	default:
		if in.Borrower == string(rules.BorrowerEnterprise) {
			in.EmployerID, err = formID(r, "employer_id")
		} else if in.PersonID, err = formID(r, "person_id"); err == nil && in.Borrower != string(rules.BorrowerIndividual) {
			err = fault.Invalidf("borrower", "loan.borrower", "borrower %q must be individual or enterprise", in.Borrower)
		}
	}
	if err == nil {
		n, perr := strconv.Atoi(f.Term)
		if perr != nil || n <= 0 {
			err = fault.Invalidf("term_months", "loan.term", "%q is not a number of months", f.Term)
		}
		in.TermMonths = n
	}
	var l support.StartupLoan
	if err == nil {
		l, err = s.Support.ApplyLoan(r.Context(), in)
	}
	if formError(err) || fault.KindOf(err) == fault.NotFound {
		s.renderLoans(w, r, &f, err)
		return
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/loans/"+itoa(l.ID), http.StatusSeeOther)
}

// loanView is one loan with its terms, schedule and subsidy grants.
type loanView struct {
	Loan      support.StartupLoan
	Terms     string // the terms' reason in the reader's language
	Schedule  []support.ScheduleMonth
	Grants    []grantRow
	Totals    struct{ Interest, Borrower, Subsidy, Claimable money.Fen }
	CanDecide bool
	Own       bool
	CanManage bool // mark a default, claim the subsidy
	Claimed   string
	Through   string // the claim form's default month
}

// Percent writes a yearly rate as a percentage.
func (loanView) Percent(d money.Dec) string { return d.Shift(2).String() + "%" }

// uiLoan shows one loan.
func (s *Server) uiLoan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.renderLoan(w, r, id, nil)
}

func (s *Server) renderLoan(w http.ResponseWriter, r *http.Request, id int64, formErr error) {
	ctx := r.Context()
	l, sched, err := s.Support.Loan(ctx, id)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	c, _ := requireCaller(r)
	p := newPage(r, "loan.title", nil)
	v := loanView{Loan: l, Terms: p.L.Reason(l.Terms.Reason), Schedule: sched, Own: l.PreparerID == c.UserID,
		Claimed: r.URL.Query().Get("claimed"), Through: s.today().Month().Add(-1).String()}
	v.CanDecide = l.Status == support.LoanApplied && c.Can(access.ApprovePayments) && !c.ReadOnly && !v.Own
	v.CanManage = l.Status == support.LoanActive && c.Can(access.PrepareGrants) && !c.ReadOnly
	for _, m := range sched {
		v.Totals.Interest += m.Interest
		v.Totals.Borrower += m.Borrower
		v.Totals.Subsidy += m.Subsidy
		v.Totals.Claimable += m.Claimable
	}
	if c.DivisionScoped() {
		gs, err := s.Support.Grants(ctx, support.GrantFilter{LoanID: id})
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		v.Grants = s.grantRows(p.L, c, gs)
	}
	p.Data = &v
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "support_loan", p)
}

// uiDecideLoan approves or rejects loan {id} (four eyes; a rejection with
// the reason typed).
func (s *Server) uiDecideLoan(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.loanAction(w, r, func(id int64) (string, error) {
			_, err := s.Support.DecideLoan(r.Context(), id, approve, r.PostFormValue("reason"))
			return "", err
		})
	}
}

// uiLoanDefault records the month posted as one the borrower was overdue.
func (s *Server) uiLoanDefault(w http.ResponseWriter, r *http.Request) {
	s.loanAction(w, r, func(id int64) (string, error) {
		m, err := period.ParseYearMonth(strings.TrimSpace(r.PostFormValue("period")))
		if err != nil {
			return "", fault.Invalidf("period", "month.format", "%q is not a month YYYY-MM", r.PostFormValue("period"))
		}
		_, err = s.Support.MarkDefault(r.Context(), id, m)
		return "", err
	})
}

// uiLoanClaim records the lending bank's claim of the interest subsidy
// for the loan's months up to the month posted: a pending grant per
// month, for the same batches and payment runs as every grant.
func (s *Server) uiLoanClaim(w http.ResponseWriter, r *http.Request) {
	s.loanAction(w, r, func(id int64) (string, error) {
		m, err := period.ParseYearMonth(strings.TrimSpace(r.PostFormValue("through")))
		if err != nil {
			return "", fault.Invalidf("through", "month.format", "%q is not a month YYYY-MM", r.PostFormValue("through"))
		}
		gs, err := s.Support.ClaimSubsidy(r.Context(), id, m)
		return "?claimed=" + strconv.Itoa(len(gs)), err
	})
}

// loanAction runs one form of the loan page and shows the loan again.
func (s *Server) loanAction(w http.ResponseWriter, r *http.Request, do func(id int64) (string, error)) {
	id, err := pathID(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	q, err := do(id)
	if formError(err) {
		s.renderLoan(w, r, id, err)
		return
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/loans/"+itoa(id)+q, http.StatusSeeOther)
}

// ---- internships

// internshipsView is the internships list with the recording form.
type internshipsView struct {
	Internships []internshipRow
	Form        internshipForm
	Done        bool
}

// internshipRow is an internship with the links its reader may follow.
type internshipRow struct {
	support.Internship
	EmployerLink, PersonLink bool
}

// internshipForm is the recording form as typed.
type internshipForm struct {
	Employer, Intern, Start, End, Allowance string
}

// uiInternships lists the internships the caller may see, with the form
// that records one (caseworkers).
func (s *Server) uiInternships(w http.ResponseWriter, r *http.Request) {
	s.renderInternships(w, r, &internshipForm{Employer: r.URL.Query().Get("employer")}, nil)
}

func (s *Server) renderInternships(w http.ResponseWriter, r *http.Request, form *internshipForm, formErr error) {
	c, _ := requireCaller(r)
	its, err := s.Support.Internships(r.Context(), support.InternshipFilter{})
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	v := internshipsView{Form: *form, Done: r.URL.Query().Get("done") == "recorded"}
	for _, it := range its {
		row := internshipRow{Internship: it}
		switch {
		case c.DivisionScoped():
			row.EmployerLink, row.PersonLink = c.InDivision(it.Division), c.CityWide()
		case c.Role == access.EmployerAgent:
			row.EmployerLink = it.EmployerID == c.EmployerID
		case c.Role == access.Citizen:
			row.PersonLink = it.PersonID == c.PersonID
		}
		v.Internships = append(v.Internships, row)
	}
	p := newPage(r, "internships.title", &v)
	if formErr != nil {
		p.Error, p.Status = p.L.Error(formErr), statusOf(fault.KindOf(formErr))
	}
	render(w, r, "support_internships", p)
}

// uiRecordInternship records an internship from the form: the host by its
// employer ID, the intern by resident ID number or person ID.
func (s *Server) uiRecordInternship(w http.ResponseWriter, r *http.Request) {
	f := internshipForm{Employer: strings.TrimSpace(r.PostFormValue("employer_id")), Intern: strings.TrimSpace(r.PostFormValue("intern")),
		Start: strings.TrimSpace(r.PostFormValue("start")), End: strings.TrimSpace(r.PostFormValue("end")), Allowance: strings.TrimSpace(r.PostFormValue("allowance"))}
	in := support.InternshipInput{Start: f.Start, End: f.End, Allowance: f.Allowance}
	var err error
	if in.EmployerID, err = formID(r, "employer_id"); err == nil && in.EmployerID == 0 {
		err = fault.Invalidf("employer_id", "internship.host", "give the host employer's ID")
	}
	if err == nil {
		in.PersonID, err = s.intern(r, f.Intern)
	}
	if err == nil {
		_, err = s.Support.RecordInternship(r.Context(), in)
	}
	if formError(err) || fault.KindOf(err) == fault.NotFound {
		s.renderInternships(w, r, &f, err)
		return
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/internships?done=recorded", http.StatusSeeOther)
}

// intern finds the intern typed: a person ID, or a resident ID number of
// a person the caller may see.
func (s *Server) intern(r *http.Request, typed string) (int64, error) {
	if typed == "" {
		return 0, fault.Invalidf("intern", "internship.intern", "give the intern's resident ID number or person ID")
	}
	if n, err := strconv.ParseInt(typed, 10, 64); err == nil && len(typed) < 18 {
		if n <= 0 {
			return 0, fault.Invalidf("intern", "internship.intern", "%q is not a person ID", typed)
		}
		return n, nil
	}
	ps, err := s.Registry.FindPersons(r.Context(), registry.PersonQuery{ResidentID: typed, Page: registry.Page{Limit: 1}})
	if err != nil {
		return 0, err
	}
	if len(ps) == 0 {
		return 0, fault.Invalidf("intern", "internship.intern_unknown", "no person with this resident ID number is in your reach")
	}
	return ps[0].ID, nil
}
