package web_test

import (
	"fmt"
	"testing"

	"hrss/access"
	"hrss/employment"
)

// The employment services' cells of the authorization matrix
// (auth_matrix_test.go), merged into it at init. Their records: seekers
// sA (person A, 330402) and sB (person B, 330411); vacancies v1 (E1) and
// v2 (E2); fairs f1 (330402, E1 taking part) and f2 (330411, E2 taking
// part). Destructive routes work on fresh records made per request.

// jobsFix are the records of one world.
type jobsFix struct{ sA, sB, v1, v2, f1, f2 int64 }

var jobsFixtures = map[*world]*jobsFix{}

func (w *world) jobsFix(t *testing.T) *jobsFix {
	t.Helper()
	if f := jobsFixtures[w]; f != nil {
		return f
	}
	f := &jobsFix{sA: w.freshSeeker(t, w.pA.ID), sB: w.freshSeeker(t, w.pB.ID), v1: w.freshVacancy(t, w.e1.ID), v2: w.freshVacancy(t, w.e2.ID)}
	f.f1, f.f2 = w.freshFair(t, "330402", w.e1.ID, f.v1), w.freshFair(t, "330411", w.e2.ID, f.v2)
	jobsFixtures[w] = f
	return f
}

func (w *world) freshSeeker(t *testing.T, person int64) int64 {
	t.Helper()
	s, err := w.a.jobs.RegisterSeeker(sysCtx, employment.SeekerInput{PersonID: person, Occupations: []string{"6-25-04-01"}, Skills: []string{"smt"}, Mobility: "city"})
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func (w *world) freshVacancy(t *testing.T, employer int64) int64 {
	t.Helper()
	v, err := w.a.jobs.PostVacancy(sysCtx, jobsVacancyInput(employer))
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

func jobsVacancyInput(employer int64) employment.VacancyInput {
	return employment.VacancyInput{EmployerID: employer, Title: "电子装接", Occupation: "6-25-04-01", Skills: []string{"smt"},
		SalaryMin: "5000.00", SalaryMax: "7000.00", Openings: 3, ValidTo: "2026-05-31"}
}

func jobsVacancyBody(employer int64) string {
	return fmt.Sprintf(`{"employer_id":%d,"title":"电子装接","occupation":"6-25-04-01","skills":["smt"],"salary_min":"5000.00","salary_max":"7000.00","openings":3,"valid_to":"2026-05-31"}`, employer)
}

func (w *world) freshFair(t *testing.T, div string, employer, vacancy int64) int64 {
	t.Helper()
	f, err := w.a.jobs.CreateFair(sysCtx, employment.FairInput{Name: "招聘会", Division: div, Date: "2026-03-20"})
	if err == nil {
		_, err = w.a.jobs.JoinFair(sysCtx, f.ID, employment.FairEmployerInput{EmployerID: employer, Slots: 3, VacancyIDs: []int64{vacancy}})
	}
	if err != nil {
		t.Fatal(err)
	}
	return f.ID
}

func (w *world) freshUnemployed(t *testing.T, div string) int64 {
	t.Helper()
	u, err := w.a.jobs.RegisterUnemployed(sysCtx, employment.UnemploymentInput{PersonID: w.freshPerson(t, div)})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func jobsPath(format string, ids func(f *jobsFix) int64) func(*testing.T, *world) req {
	return func(t *testing.T, w *world) req { return req{path: fmt.Sprintf(format, ids(w.jobsFix(t)))} }
}

var (
	jobsReaders   = []access.Role{access.Caseworker, access.Reviewer, access.Citizen}
	jobsSelf      = []access.Role{access.Caseworker, access.Citizen}
	jobsCase      = []access.Role{access.Caseworker}
	jobsEmployers = []access.Role{access.Caseworker, access.EmployerAgent}
	jobsPublic    = []access.Role{access.Caseworker, access.Reviewer, access.EmployerAgent, access.Citizen, access.Analyst, access.Administrator}
	sA            = func(f *jobsFix) int64 { return f.sA }
	sB            = func(f *jobsFix) int64 { return f.sB }
	v1            = func(f *jobsFix) int64 { return f.v1 }
	v2            = func(f *jobsFix) int64 { return f.v2 }
	f1            = func(f *jobsFix) int64 { return f.f1 }
	f2            = func(f *jobsFix) int64 { return f.f2 }
)

var jobsMatrix = map[string]cell{
	"GET /api/v1/seekers": {ok: jobsReaders, in: fixed("/api/v1/seekers"), out: fixed("/api/v1/seekers?division=330411")},
	"POST /api/v1/seekers": {ok: jobsCase,
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/seekers", fmt.Sprintf(`{"person_id":%d}`, w.freshPerson(t, "330402"))}
		},
		out: func(t *testing.T, w *world) req {
			return req{"/api/v1/seekers", fmt.Sprintf(`{"person_id":%d}`, w.freshPerson(t, "330411"))}
		}},
	"GET /api/v1/seekers/{id}": {ok: jobsReaders, in: jobsPath("/api/v1/seekers/%d", sA), out: jobsPath("/api/v1/seekers/%d", sB)},
	"PUT /api/v1/seekers/{id}": {ok: jobsSelf,
		in: func(t *testing.T, w *world) req {
			return req{fmt.Sprintf("/api/v1/seekers/%d", w.jobsFix(t).sA), `{"skills":["smt"],"mobility":"city"}`}
		},
		out: func(t *testing.T, w *world) req {
			return req{fmt.Sprintf("/api/v1/seekers/%d", w.jobsFix(t).sB), `{"skills":["smt"]}`}
		}},
	"POST /api/v1/seekers/{id}/close": {ok: jobsCase,
		in: func(t *testing.T, w *world) req {
			return req{fmt.Sprintf("/api/v1/seekers/%d/close", w.freshSeeker(t, w.freshPerson(t, "330402"))), `{"ground":"withdrawn"}`}
		},
		out: func(t *testing.T, w *world) req {
			return req{fmt.Sprintf("/api/v1/seekers/%d/close", w.freshSeeker(t, w.freshPerson(t, "330411"))), `{"ground":"withdrawn"}`}
		}},
	"POST /api/v1/seekers/{id}/contact":         {ok: jobsSelf, in: jobsPath("/api/v1/seekers/%d/contact", sA), out: jobsPath("/api/v1/seekers/%d/contact", sB)},
	"GET /api/v1/seekers/{id}/matches":          {ok: jobsSelf, in: jobsPath("/api/v1/seekers/%d/matches", sA), out: jobsPath("/api/v1/seekers/%d/matches", sB)},
	"GET /api/v1/seekers/{id}/recommendations":  {ok: jobsReaders, in: jobsPath("/api/v1/seekers/%d/recommendations", sA), out: jobsPath("/api/v1/seekers/%d/recommendations", sB)},
	"POST /api/v1/seekers/{id}/recommendations": {ok: jobsSelf, in: jobsPath("/api/v1/seekers/%d/recommendations", sA), out: jobsPath("/api/v1/seekers/%d/recommendations", sB)},
	"GET /api/v1/seekers/{id}/explain": {ok: jobsSelf,
		in: func(t *testing.T, w *world) req {
			f := w.jobsFix(t)
			return req{path: fmt.Sprintf("/api/v1/seekers/%d/explain?vacancy_id=%d", f.sA, f.v1)}
		},
		out: func(t *testing.T, w *world) req {
			f := w.jobsFix(t)
			return req{path: fmt.Sprintf("/api/v1/seekers/%d/explain?vacancy_id=%d", f.sB, f.v1)}
		}},

	"GET /api/v1/unemployment": {ok: jobsReaders, in: fixed("/api/v1/unemployment"), out: fixed("/api/v1/unemployment?division=330411")},
	"POST /api/v1/unemployment": {ok: jobsCase,
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/unemployment", fmt.Sprintf(`{"person_id":%d}`, w.freshPerson(t, "330402"))}
		},
		out: func(t *testing.T, w *world) req {
			return req{"/api/v1/unemployment", fmt.Sprintf(`{"person_id":%d}`, w.freshPerson(t, "330411"))}
		}},
	"POST /api/v1/unemployment/{id}/deregister": {ok: jobsCase,
		in: func(t *testing.T, w *world) req {
			return req{fmt.Sprintf("/api/v1/unemployment/%d/deregister", w.freshUnemployed(t, "330402")), `{"ground":"education"}`}
		},
		out: func(t *testing.T, w *world) req {
			return req{fmt.Sprintf("/api/v1/unemployment/%d/deregister", w.freshUnemployed(t, "330411")), `{"ground":"education"}`}
		}},

	"GET /api/v1/vacancies": {ok: jobsPublic, in: fixed("/api/v1/vacancies")},
	"POST /api/v1/vacancies": {ok: jobsEmployers,
		in:  func(t *testing.T, w *world) req { return req{"/api/v1/vacancies", jobsVacancyBody(w.e1.ID)} },
		out: func(t *testing.T, w *world) req { return req{"/api/v1/vacancies", jobsVacancyBody(w.e2.ID)} }},
	"GET /api/v1/vacancies/{id}": {ok: jobsPublic, in: jobsPath("/api/v1/vacancies/%d", v1)},
	"PUT /api/v1/vacancies/{id}": {ok: jobsEmployers,
		in: func(t *testing.T, w *world) req {
			return req{fmt.Sprintf("/api/v1/vacancies/%d", w.jobsFix(t).v1), jobsVacancyBody(w.e1.ID)}
		},
		out: func(t *testing.T, w *world) req {
			return req{fmt.Sprintf("/api/v1/vacancies/%d", w.jobsFix(t).v2), jobsVacancyBody(w.e2.ID)}
		}},
	"POST /api/v1/vacancies/{id}/close": {ok: jobsEmployers,
		in: func(t *testing.T, w *world) req {
			return req{path: fmt.Sprintf("/api/v1/vacancies/%d/close", w.freshVacancy(t, w.e1.ID))}
		},
		out: func(t *testing.T, w *world) req {
			return req{path: fmt.Sprintf("/api/v1/vacancies/%d/close", w.freshVacancy(t, w.e2.ID))}
		}},
	"GET /api/v1/vacancies/{id}/matches": {ok: jobsEmployers, in: jobsPath("/api/v1/vacancies/%d/matches", v1), out: jobsPath("/api/v1/vacancies/%d/matches", v2)},

	"GET /api/v1/occupations": {ok: everyone, in: fixed("/api/v1/occupations")},
	"GET /api/v1/skills":      {ok: everyone, in: fixed("/api/v1/skills")},
	"GET /api/v1/graduates": {ok: []access.Role{access.Caseworker, access.Reviewer},
		in: fixed("/api/v1/graduates?division=330402"), out: fixed("/api/v1/graduates?division=330411")},
	"POST /api/v1/services": {ok: jobsCase,
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/services", fmt.Sprintf(`{"person_id":%d,"kind":"policy_briefing"}`, w.pA.ID)}
		},
		out: func(t *testing.T, w *world) req {
			return req{"/api/v1/services", fmt.Sprintf(`{"person_id":%d,"kind":"policy_briefing"}`, w.pB.ID)}
		}},
	"POST /api/v1/match-batches": {ok: jobsCase,
		in: func(t *testing.T, w *world) req {
			w.jobsFix(t)
			return req{"/api/v1/match-batches", `{"division":"330402"}`}
		},
		out: func(t *testing.T, w *world) req { return req{"/api/v1/match-batches", `{"division":"330411"}`} }},

	"GET /api/v1/fairs": {ok: jobsPublic, in: fixed("/api/v1/fairs")},
	"POST /api/v1/fairs": {ok: jobsCase,
		in: func(t *testing.T, w *world) req {
			return req{"/api/v1/fairs", `{"name":"招聘会","division":"330402","date":"2026-04-01"}`}
		},
		out: func(t *testing.T, w *world) req {
			return req{"/api/v1/fairs", `{"name":"招聘会","division":"330411","date":"2026-04-01"}`}
		}},
	"GET /api/v1/fairs/{id}": {ok: []access.Role{access.Caseworker, access.Reviewer}, in: jobsPath("/api/v1/fairs/%d", f1), out: jobsPath("/api/v1/fairs/%d", f2)},
	"POST /api/v1/fairs/{id}/employers": {ok: jobsEmployers,
		in: func(t *testing.T, w *world) req {
			f := w.jobsFix(t)
			return req{fmt.Sprintf("/api/v1/fairs/%d/employers", f.f1), fmt.Sprintf(`{"employer_id":%d,"slots":3,"vacancy_ids":[%d]}`, w.e1.ID, f.v1)}
		},
		out: func(t *testing.T, w *world) req {
			f := w.jobsFix(t)
			return req{fmt.Sprintf("/api/v1/fairs/%d/employers", f.f2), fmt.Sprintf(`{"employer_id":%d,"slots":3,"vacancy_ids":[%d]}`, w.e2.ID, f.v2)}
		}},
	"POST /api/v1/fairs/{id}/registrations": {ok: jobsSelf,
		in: func(t *testing.T, w *world) req {
			f := w.jobsFix(t)
			return req{fmt.Sprintf("/api/v1/fairs/%d/registrations", f.f1), fmt.Sprintf(`{"seeker_id":%d,"preferences":[%d]}`, f.sA, w.e1.ID)}
		},
		out: func(t *testing.T, w *world) req {
			f := w.jobsFix(t)
			return req{fmt.Sprintf("/api/v1/fairs/%d/registrations", f.f2), fmt.Sprintf(`{"seeker_id":%d,"preferences":[%d]}`, f.sB, w.e2.ID)}
		}},
	"POST /api/v1/fairs/{id}/allocation": {ok: jobsCase,
		in: func(t *testing.T, w *world) req {
			return req{path: fmt.Sprintf("/api/v1/fairs/%d/allocation", w.freshFair(t, "330402", w.e1.ID, w.jobsFix(t).v1))}
		},
		out: func(t *testing.T, w *world) req {
			return req{path: fmt.Sprintf("/api/v1/fairs/%d/allocation", w.freshFair(t, "330411", w.e2.ID, w.jobsFix(t).v2))}
		}},
	"GET /api/v1/placements": {ok: []access.Role{access.Caseworker, access.Reviewer, access.EmployerAgent, access.Citizen}, in: fixed("/api/v1/placements")},
	"POST /api/v1/employments/{id}/placement": {ok: jobsCase,
		in: func(t *testing.T, w *world) req {
			return req{path: fmt.Sprintf("/api/v1/employments/%d/placement", w.r1.ID)}
		},
		out: func(t *testing.T, w *world) req {
			return req{path: fmt.Sprintf("/api/v1/employments/%d/placement", w.r2.ID)}
		}},
	"POST /api/v1/employment-sync":      {in: fixed("/api/v1/employment-sync")},
	"GET /api/v1/employment-indicators": {ok: []access.Role{access.Caseworker, access.Reviewer, access.Analyst}, in: fixed("/api/v1/employment-indicators")},
}

func init() {
	for k, c := range jobsMatrix {
		matrix[k] = c
	}
}
