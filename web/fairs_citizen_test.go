package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"hrss/access"
	"hrss/employment"
	"hrss/store/storetest"
)

// fairFixtures are each world's fair: employer E1 with one slot and a
// vacancy, in 330402 on 2026-04-10.
var fairFixtures = map[*world]int64{}

// fair returns the world's fair, creating it the first time.
func (w *world) fair(t *testing.T) int64 {
	t.Helper()
	if id := fairFixtures[w]; id != 0 {
		return id
	}
	v, err := w.a.jobs.PostVacancy(sysCtx, employment.VacancyInput{EmployerID: w.e1.ID, Title: "招聘会岗位", Occupation: "2-02-10-03", SalaryMin: "8000", SalaryMax: "12000", Openings: 2, ValidTo: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := w.a.jobs.CreateFair(sysCtx, employment.FairInput{Name: "春季招聘会", Division: "330402", Date: "2026-04-10"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.jobs.JoinFair(sysCtx, f.ID, employment.FairEmployerInput{EmployerID: w.e1.ID, Slots: 1, VacancyIDs: []int64{v.ID}}); err != nil {
		t.Fatal(err)
	}
	fairFixtures[w] = f.ID
	return f.ID
}

// asCitizen is the matrix's citizen (person A) as a caller of the services.
func (w *world) asCitizen(t *testing.T) context.Context {
	t.Helper()
	res := w.a.do(t, w.tokens[access.Citizen], "GET", "/api/v1/session", "", nil)
	user := res.json()["user"].(map[string]any)
	return access.WithCaller(context.Background(), access.Caller{UserID: int64(user["user_id"].(float64)), Name: "m-citizen", Role: access.Citizen, PersonID: w.pA.ID})
}

func init() {
	readersOfVacancies := []access.Role{access.Caseworker, access.Reviewer, access.EmployerAgent, access.Citizen, access.Analyst, access.Administrator}
	matrix["GET /api/v1/fairs/upcoming"] = cell{ok: readersOfVacancies, in: func(t *testing.T, w *world) req {
		w.fair(t)
		return req{path: "/api/v1/fairs/upcoming"}
	}, public: func(w *world) []string { return []string{w.e1.Name, w.e2.Name} }} // the employers taking part in a fair are public
	matrix["POST /api/v1/fairs/{id}/bookings"] = cell{ok: []access.Role{access.Citizen}, in: func(t *testing.T, w *world) req {
		id := w.fair(t)
		w.a.jobs.CancelBooking(w.asCitizen(t), id) // so that the citizen may book again
		return req{fmt.Sprintf("/api/v1/fairs/%d/bookings", id), fmt.Sprintf(`{"employer_id":%d}`, w.e1.ID)}
	}}
	matrix["DELETE /api/v1/fairs/{id}/bookings"] = cell{ok: []access.Role{access.Citizen}, in: func(t *testing.T, w *world) req {
		id := w.fair(t)
		w.a.jobs.BookFair(w.asCitizen(t), id, w.e1.ID) // so that the citizen has one to cancel
		return req{path: fmt.Sprintf("/api/v1/fairs/%d/bookings", id)}
	}}
}

// TestCitizenBooksFair: a citizen sees the fair with its employer and
// vacancy, books the one slot, and another citizen finds it full until
// the first cancels; over the API and on the screen in both languages.
func TestCitizenBooksFair(t *testing.T) {
	w := newWorld(t, storetest.SQLite(t))
	id := w.fair(t)
	w.a.user(t, access.UserInput{Name: "cit-b", Role: "citizen", PersonID: w.pB.ID})
	a, b := w.tokens[access.Citizen], w.a.signIn(t, "cit-b")
	do := func(token, method, path, body string, want int, has string) response {
		t.Helper()
		res := w.a.do(t, token, method, path, body, nil)
		if res.status != want || !strings.Contains(string(res.body), has) {
			t.Fatalf("%s %s: %d %s, want %d with %q", method, path, res.status, res.body, want, has)
		}
		return res
	}
	book := fmt.Sprintf("/api/v1/fairs/%d/bookings", id)
	body := fmt.Sprintf(`{"employer_id":%d}`, w.e1.ID)
	do(a, "GET", "/api/v1/fairs/upcoming", "", 200, `"name":"`+w.e1.Name+`","slots":1,"free":1`)
	do(a, "GET", "/api/v1/fairs/upcoming", "", 200, "招聘会岗位")
	do(a, "POST", book, body, 201, `"time":"09:00"`)
	do(a, "POST", book, body, 409, `"rule":"fair.booked"`)
	do(b, "POST", book, body, 409, `"rule":"fair.full"`)
	do(b, "POST", book, fmt.Sprintf(`{"employer_id":%d}`, w.e2.ID), 422, `"field":"employer_id"`)
	do(w.tokens[access.Caseworker], "POST", book, body, 403, "")
	do(a, "GET", "/api/v1/fairs/upcoming", "", 200, `"free":0`)
	do(a, "DELETE", book, "", 204, "")
	do(a, "DELETE", book, "", 404, "")

	// citizen B on the screen: books the freed slot, sees it, cancels it
	u := newUIClient(t, w.a.srv.URL)
	if r := u.do("GET", "/fairs", nil, nil); r.status != 200 || r.url != "/signin?next=%2Ffairs" {
		t.Fatalf("signed out: %d %s", r.status, r.url)
	}
	u.do("POST", "/signin", url.Values{"username": {"cit-b"}, "password": {"pw-cit-b-long"}, "csrf_token": {u.csrf}}, nil)
	r := u.do("GET", "/fairs", nil, nil)
	if r.status != 200 || !strings.Contains(r.body, "春季招聘会") || !strings.Contains(r.body, `class="book-slot"`) || !strings.Contains(r.body, `id="nav-fairs"`) {
		t.Fatalf("the fairs screen: %d %s", r.status, r.body)
	}
	r = u.do("POST", fmt.Sprintf("/fairs/%d/book", id), url.Values{"employer": {fmt.Sprint(w.e1.ID)}, "csrf_token": {u.csrf}}, nil)
	if r.status != 200 || !strings.Contains(r.body, `id="fair-booked"`) || !strings.Contains(r.body, "您已预约 09:00 的面试时段") {
		t.Fatalf("booked on the screen: %d %s", r.status, r.body)
	}
	do(a, "POST", book, body, 409, `"rule":"fair.full"`)
	r = u.do("POST", fmt.Sprintf("/fairs/%d/book", id), url.Values{"employer": {fmt.Sprint(w.e1.ID)}, "csrf_token": {u.csrf}}, nil)
	if r.status != 409 || !strings.Contains(r.body, "您已在本场招聘会预约") {
		t.Fatalf("a second booking on the screen: %d", r.status)
	}
	u.do("POST", "/lang", url.Values{"lang": {"en"}, "back": {"/fairs"}, "csrf_token": {u.csrf}}, nil)
	r = u.do("POST", fmt.Sprintf("/fairs/%d/cancel", id), url.Values{"csrf_token": {u.csrf}}, nil)
	if r.status != 200 || !strings.Contains(r.body, "The booking is cancelled.") || !strings.Contains(r.body, "Slots free") {
		t.Fatalf("cancelled on the screen: %d %s", r.status, r.body)
	}

	// the allocation keeps a booked slot: the seeker registered gets none
	do(a, "POST", book, body, 201, `"slot":0`)
	sk, err := w.a.jobs.RegisterSeeker(sysCtx, employment.SeekerInput{PersonID: w.pC.ID, Occupations: []string{"2-02-10-03"}, Mobility: "city"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.jobs.RegisterForFair(sysCtx, id, employment.FairRegistrationInput{SeekerID: sk.ID, Preferences: []int64{w.e1.ID}}); err != nil {
		t.Fatal(err)
	}
	al, err := w.a.jobs.AllocateFair(sysCtx, id)
	if err != nil || len(al.Interviews) != 0 {
		t.Fatalf("the allocation gave the booked slot away: %+v %v", al, err)
	}
	do(a, "DELETE", book, "", 409, `"rule":"fair.open"`)
}
