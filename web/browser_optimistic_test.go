package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hrss/access"
	"hrss/registry"
	"hrss/rules/money"
)

// TestBrowserStaleEdit: two caseworkers of the division open the same
// yearly base declaration in their browsers and each types a new wage in
// its row's form; the first saves, the second's save is refused with the
// message naming the declaration and asking to reload (409), and the
// stored wage is the first's; after reloading, the second saves.
func TestBrowserStaleEdit(t *testing.T) {
	exe := chromiumPath(t)
	city := newBrowserCity(t)
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "cw402b", Role: "caseworker", Divisions: []string{"330402"}, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	e, rel := declaringEmployer(t, city, 77003, "并发测试有限公司")
	if _, err := city.reg.DeclareWages(sysCtx, []registry.WageChange{{Input: registry.WageInput{EmploymentID: rel.ID, Year: 2025, Wage: "6500.00"}}}); err != nil {
		t.Fatal(err)
	}
	page := city.srv.URL + "/employers/" + itoa(e.ID) + "/wages?year=2025"
	row := "#wage-" + itoa(rel.ID)
	a, b := newBrowserSession(t, exe, "stale-a-"), newBrowserSession(t, exe, "stale-b-")
	a.signIn("open-a", page, "cw402", city.password, row)
	b.signIn("open-b", page, "cw402b", city.password, row)
	type9 := func(s *browserSession, step, wage, ready string) {
		s.run(step,
			chromedp.SetValue(chromedp.CSS(row+" .wage-input"), wage),
			chromedp.Click(chromedp.CSS(row+" .wage-redeclare")),
			chromedp.WaitVisible(chromedp.CSS(ready)),
			loaded,
		)
	}
	type9(a, "saved-a", "9000.00", "#wage-redeclared")
	type9(b, "refused-b", "9500.00", "#error")
	if got := b.text("#error"); !strings.Contains(got, "年度缴费基数申报 #"+itoa(rel.ID)+" 2025") || !strings.Contains(got, "已被他人修改") || !strings.Contains(got, "请重新载入页面") {
		t.Errorf("the second caseworker's refusal: %q", got)
	}
	if ds, _ := city.reg.ListWages(sysCtx, registry.WageFilter{EmploymentID: rel.ID}); len(ds) != 1 || ds[0].DeclaredWage != money.Yuan(9000) {
		t.Fatalf("the declaration after the refused save: %+v", ds)
	}
	b.run("reload-b", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(row)), loaded)
	type9(b, "saved-b", "9500.00", "#wage-redeclared")
	if ds, _ := city.reg.ListWages(sysCtx, registry.WageFilter{EmploymentID: rel.ID}); len(ds) != 1 || ds[0].DeclaredWage != money.Yuan(9500) {
		t.Fatalf("the declaration after the reload and save: %+v", ds)
	}
	a.checkConsole()
	b.checkConsole()
}
