package employment

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"hrss/access"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// FollowUp is one unemployed graduate on a division's follow-up list
// (实名服务台账) with their "1131" completeness.
type FollowUp struct {
	PersonID   int64               `json:"person_id"`
	Name       string              `json:"name"`
	Division   string              `json:"division"`
	School     string              `json:"school"`
	Major      string              `json:"major"`
	Degree     registry.Education  `json:"degree"`
	Left       period.Date         `json:"left_school"`
	Since      period.Date         `json:"since"` // entered the list: left school, or the end of the last relation if later
	Services   map[ServiceKind]int `json:"services"`
	Complete   bool                `json:"complete"`
	Missing    []string            `json:"missing"` // e.g. "job_lead: 1 of 3"
	Overdue    bool                `json:"overdue"`
	OverdueFor []string            `json:"overdue_for"` // e.g. "career_guidance due 2026-07-15"
}

// GraduateQuery selects a follow-up list.
type GraduateQuery struct {
	Division    string
	OverdueOnly bool
	Page
}

// FollowUps lists the unemployed graduates living in a division: persons
// who left school within GraduateYears and have no employment relation
// or flexible-worker enrolment today, in person ID order, each with the
// services they got and what of the "1131" package is missing or overdue.
func (s *Service) FollowUps(ctx context.Context, q GraduateQuery) ([]FollowUp, error) {
	if err := s.authorize(ctx, Access{Action: ReadSeekers, Division: q.Division}); err != nil {
		return nil, err
	}
	var err error
	if q.Division, err = countyDivision("division", q.Division); err != nil {
		return nil, err
	}
	if q.Page, err = clampPage(q.Page); err != nil {
		return nil, err
	}
	today := s.today()
	from := period.Date{Y: today.Y - GraduateYears, M: today.M, D: min(today.D, period.DaysIn(today.Y-GraduateYears, today.M))}
	var out []FollowUp
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := s.followUps(ctx, tx, q, from, today, &out); err != nil {
			return err
		}
		subjects := make([]int64, len(out))
		for i, fu := range out {
			subjects[i] = fu.PersonID
		}
		return s.audit(ctx, tx, "graduates.followups", "division/"+q.Division, subjects...)
	})
	return out, err
}

// followUps pages through the graduates, keeping the overdue ones only
// when asked, until the page is full.
func (s *Service) followUps(ctx context.Context, tx Tx, q GraduateQuery, from, today period.Date, outp *[]FollowUp) error {
	out := *outp
	defer func() { *outp = out }()
	f := GraduateFilter{Division: q.Division, LeftFrom: from, LeftTo: today, Today: today, Page: q.Page}
	for len(out) < q.Page.Limit {
		rows, err := tx.ListGraduates(ctx, f)
		if err != nil || len(rows) == 0 {
			return err
		}
		page, err := s.followUpsOf(ctx, tx, rows, today)
		if err != nil {
			return err
		}
		for _, fu := range page {
			if (!q.OverdueOnly || fu.Overdue) && len(out) < q.Page.Limit {
				out = append(out, fu)
			}
		}
		if len(rows) < f.Limit || !q.OverdueOnly {
			return nil
		}
		f.After = rows[len(rows)-1].PersonID
	}
	return nil
}

// followUpsOf computes the follow-ups of rows on today, by the "1131"
// deadlines in force (Rules).
func (s *Service) followUpsOf(ctx context.Context, tx Tx, rows []GraduateRow, today period.Date) ([]FollowUp, error) {
	par, err := s.Rules(today)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.PersonID
	}
	svcs, err := tx.ListServices(ctx, ids)
	if err != nil {
		return nil, err
	}
	counts := map[int64]map[ServiceKind]int{}
	for _, sv := range svcs {
		if counts[sv.PersonID] == nil {
			counts[sv.PersonID] = map[ServiceKind]int{}
		}
		counts[sv.PersonID][sv.Kind]++
	}
	out := make([]FollowUp, len(rows))
	for i, row := range rows {
		out[i] = packageStatus(row, counts[row.PersonID], today, par)
	}
	return out, nil
}

// packageStatus computes completeness and overdue items of one graduate:
// the policy briefing and the career guidance are due within
// employment.followup_briefing_days of entering the list, the rest of the
// "1131" package within employment.followup_package_days (par).
func packageStatus(r GraduateRow, got map[ServiceKind]int, today period.Date, par rules.EmploymentRules) FollowUp {
	fu := FollowUp{PersonID: r.PersonID, Name: r.Name, Division: r.Division, School: r.Graduation.School, Major: r.Graduation.Major,
		Degree: r.Graduation.Degree, Left: r.Graduation.Date, Since: r.Graduation.Date, Services: map[ServiceKind]int{},
		Missing: []string{}, OverdueFor: []string{}}
	if fu.Since.Before(r.LastEnd) {
		fu.Since = r.LastEnd
	}
	for _, k := range ServiceKinds {
		n := got[k.Kind]
		fu.Services[k.Kind] = n
		if n >= k.Need {
			continue
		}
		fu.Missing = append(fu.Missing, fmt.Sprintf("%s: %d of %d", k.Kind, n, k.Need))
		days := par.PackageDays
		if k.Kind == PolicyBriefing || k.Kind == CareerGuidance {
			days = par.BriefingDays
		}
		if due := fu.Since.AddDays(days); due.Before(today) {
			fu.OverdueFor = append(fu.OverdueFor, fmt.Sprintf("%s due %s", k.Kind, due))
		}
	}
	fu.Complete, fu.Overdue = len(fu.Missing) == 0, len(fu.OverdueFor) > 0
	return fu
}

// ServiceInput is what a caseworker gives to record a service.
type ServiceInput struct {
	PersonID  int64  `json:"person_id"`
	Kind      string `json:"kind"`
	Date      string `json:"date,omitempty"` // default today
	VacancyID int64  `json:"vacancy_id,omitempty"`
	Note      string `json:"note,omitempty"`
}

// RecordService records a service given to a person; a job lead must name
// a vacancy open on that day. It counts as a contact for the person's
// active registrations.
func (s *Service) RecordService(ctx context.Context, in ServiceInput) (ServiceRecord, error) {
	if err := s.authorize(ctx, Access{Action: RecordServices, PersonID: in.PersonID}); err != nil {
		return ServiceRecord{}, err
	}
	rec := ServiceRecord{PersonID: in.PersonID, Kind: ServiceKind(strings.TrimSpace(in.Kind)), VacancyID: in.VacancyID, Note: strings.TrimSpace(in.Note), CreatedAt: s.now()}
	if !slices.ContainsFunc(ServiceKinds, func(k ServiceNeed) bool { return k.Kind == rec.Kind }) {
		return rec, fault.Invalidf("kind", "service.kind", "%q is not policy_briefing, career_guidance, job_lead or training_or_internship", in.Kind)
	}
	var err error
	if rec.Date, err = parseDate("date", in.Date, s.today()); err != nil {
		return rec, err
	}
	if s.today().Before(rec.Date) {
		return rec, fault.Invalidf("date", "date.not_future", "service date %s is after today", rec.Date)
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		p, err := personOf(ctx, tx, rec.PersonID)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, Access{Action: RecordServices, Division: p.ResidenceDivision, PersonID: p.ID}); err != nil {
			return err
		}
		if err := checkJobLead(ctx, tx, rec); err != nil {
			return err
		}
		if err := tx.InsertService(ctx, &rec); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, "service.record."+string(rec.Kind), object("service", rec.ID), rec.PersonID); err != nil {
			return err
		}
		return touch(ctx, tx, p.ID, rec.Date, s)
	})
	return rec, err
}

func checkJobLead(ctx context.Context, tx Tx, rec ServiceRecord) error {
	if rec.Kind != JobLead {
		if rec.VacancyID != 0 {
			return fault.Invalidf("vacancy_id", "service.vacancy_only_for_job_lead", "only a job lead names a vacancy")
		}
		return nil
	}
	if rec.VacancyID == 0 {
		return fault.Invalidf("vacancy_id", "job_lead.vacancy", "a job lead must name the vacancy it points to")
	}
	v, err := tx.Vacancy(ctx, rec.VacancyID)
	if fault.KindOf(err) == fault.NotFound {
		return fault.Invalidf("vacancy_id", "reference.exists", "there is no vacancy with id %d", rec.VacancyID)
	}
	if err == nil && !v.OpenOn(rec.Date) {
		return fault.Invalidf("vacancy_id", "job_lead.vacancy_open", "vacancy %d was not taking applications on %s", v.ID, rec.Date)
	}
	return err
}

// touch records a contact on day for the person's active registrations.
func touch(ctx context.Context, tx Tx, personID int64, day period.Date, s *Service) error {
	seekers, err := tx.ListSeekers(ctx, SeekerFilter{PersonID: personID, Status: Active, Page: Page{Limit: 10}})
	if err != nil {
		return err
	}
	for _, r := range seekers {
		if r.LastContact.Before(day) {
			r.LastContact, r.UpdatedAt = day, access.Touched(r.UpdatedAt, s.now())
			if err := tx.UpdateSeeker(ctx, &r); err != nil {
				return err
			}
		}
	}
	us, err := tx.ListUnemployment(ctx, SeekerFilter{PersonID: personID, Status: Active, Page: Page{Limit: 10}})
	if err != nil {
		return err
	}
	for _, u := range us {
		if u.LastContact.Before(day) {
			u.LastContact, u.UpdatedAt = day, access.Touched(u.UpdatedAt, s.now())
			if err := tx.UpdateUnemployment(ctx, &u); err != nil {
				return err
			}
		}
	}
	return nil
}
