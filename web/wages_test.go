package web_test

import (
	"fmt"
	"strings"
	"testing"

	"hrss/access"
	"hrss/registry"
	"hrss/sheet"
	"hrss/store"
	"hrss/store/storetest"
)

// The declared wages in the authorization matrix: wA is r1's declaration
// of 2024 (in reach wherever r1 is), wB r2's (in nobody's reach).
func init() {
	worldSetup = append(worldSetup, func(t *testing.T, w *world) {
		t.Helper()
		_, err := w.a.reg.DeclareWages(sysCtx, []registry.WageChange{
			{Input: registry.WageInput{EmploymentID: w.r1.ID, Year: 2024, Wage: "6444.44"}},
			{Input: registry.WageInput{EmploymentID: w.r2.ID, Year: 2024, Wage: "7555.55"}}})
		if err != nil {
			t.Fatal(err)
		}
		w.marks["wA"], w.marks["wB"] = []string{`"6444.44"`}, []string{`"7555.55"`}
	})
	for _, r := range readers {
		reach[r] = append(reach[r], "wA")
	}
	writers := []access.Role{access.Caseworker, access.EmployerAgent}
	for k, c := range map[string]cell{
		"GET /api/v1/wages": {ok: readers, show: "wA",
			in: fixed("/api/v1/wages?year=2024"),
			out: func(t *testing.T, w *world) req {
				return req{path: "/api/v1/wages?year=2024&employer_id=" + id(w.e2.ID)}
			}},
		"GET /api/v1/employments/{id}/wages": {ok: readers, show: "wA",
			in:  func(t *testing.T, w *world) req { return req{path: "/api/v1/employments/" + id(w.r1.ID) + "/wages"} },
			out: func(t *testing.T, w *world) req { return req{path: "/api/v1/employments/" + id(w.r2.ID) + "/wages"} }},
		"POST /api/v1/wages": {ok: writers,
			in: func(t *testing.T, w *world) req {
				return req{"/api/v1/wages", fmt.Sprintf(`{"declarations":[{"employment_id":%d,"year":2025,"declared_wage":"6000.00"}]}`, w.r1.ID)}
			},
			out: func(t *testing.T, w *world) req {
				return req{"/api/v1/wages", fmt.Sprintf(`{"declarations":[{"employment_id":%d,"year":2025,"declared_wage":"9000.00"}]}`, w.r2.ID)}
			}},
		"POST /api/v1/employers/{id}/wages": {ok: writers,
			in: func(t *testing.T, w *world) req {
				return req{"/api/v1/employers/" + id(w.e1.ID) + "/wages", "resident_id,year,declared_wage\n" + string(w.pA.ResidentID) + ",2025,6100.00\n"}
			},
			out: func(t *testing.T, w *world) req {
				return req{"/api/v1/employers/" + id(w.e2.ID) + "/wages", "resident_id,year,declared_wage\n" + string(w.pB.ResidentID) + ",2025,9100.00\n"}
			}},
	} {
		matrix[k] = c
	}
}

// TestWageFile applies an employer's declaration file over the API: the
// Excel file with Chinese headers declares the year's wages (replacing an
// earlier one), a bad file is refused naming each bad cell by row and
// column and writes nothing.
func TestWageFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		agent := w.tokens[access.EmployerAgent]
		path := "/api/v1/employers/" + id(w.e1.ID) + "/wages"
		file, err := sheet.XLSX("申报", []string{"身份证号码", "年度", "申报工资"}, [][]string{
			{string(w.pA.ResidentID), "2024", "6500.00"}, {string(w.pC.ResidentID), "2025", "8,800.00"}})
		if err != nil {
			t.Fatal(err)
		}
		r := w.a.do(t, agent, "POST", path+"?name=wages.xlsx", string(file), nil)
		if r.status != 201 || !strings.Contains(string(r.body), `"previous":"6444.44"`) || !strings.Contains(string(r.body), `"declared_wage":"8800.00"`) {
			t.Fatalf("file: %d %s", r.status, r.body)
		}
		list, err := w.a.reg.ListWages(sysCtx, registry.WageFilter{EmploymentID: w.r3.ID})
		if err != nil || len(list) != 1 || list[0].Year != 2025 || list[0].DeclaredWage != 880_000 {
			t.Fatalf("r3's declarations %+v %v", list, err)
		}
		bad := "year,resident_id,wage\n" +
			"2025," + string(w.pA.ResidentID) + ",7000\n" + // fine on its own
			"2019," + string(w.pA.ResidentID) + ",7000\n" + // r1 starts in 2020
			"2025,330402199901011234,7000\n" + // not a valid resident ID
			"20x5," + string(w.pC.ResidentID) + ",-5\n" + // bad year and wage
			"2025," + string(w.pB.ResidentID) + ",7000\n" // no relation with e1
		r = w.a.do(t, agent, "POST", path, bad, nil)
		m := r.json()
		if r.status != 422 || m["row"] != float64(3) || m["column"] != "A" {
			t.Fatalf("bad file: %d %s", r.status, r.body)
		}
		for _, want := range []string{"row 3, column A", "row 4, column B", "row 5, column A", "row 5, column C", "row 6, column B"} {
			if !strings.Contains(m["detail"].(string), want) {
				t.Errorf("the refusal does not name %s: %s", want, m["detail"])
			}
		}
		list, err = w.a.reg.ListWages(sysCtx, registry.WageFilter{EmploymentID: w.r1.ID})
		if err != nil || len(list) != 1 || list[0].Year != 2024 {
			t.Fatalf("a refused file wrote: %+v %v", list, err)
		}
		// another employer's agent may not declare for e1
		w.a.user(t, access.UserInput{Name: "agent-e2", Role: "employer_agent", EmployerID: w.e2.ID})
		if r := w.a.do(t, w.a.signIn(t, "agent-e2"), "POST", path, "resident_id,year,declared_wage\n"+string(w.pA.ResidentID)+",2025,1\n", nil); r.status != 404 {
			t.Fatalf("another employer: %d %s", r.status, r.body)
		}
	})
}
