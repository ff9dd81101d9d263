package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules/period"
)

// TestBrowserCorrection: a caseworker uploads an employer's yearly base
// declaration raising a wage of a closed month's year and derives its
// correction, which the caseworker is not offered to approve; a reviewer
// of the division approves it, and hrss check holds.
func TestBrowserCorrection(t *testing.T) {
	exe := chromiumPath(t)
	city := newBrowserCity(t)
	if _, err := city.acc.CreateUser(sysCtx, access.UserInput{Name: "rev402", Role: "reviewer", Divisions: []string{"330402"}, Password: city.password}); err != nil {
		t.Fatal(err)
	}
	e, rel := declaringEmployer(t, city, 77002, "复核测试有限公司")
	dec := period.New(2025, 12)
	if _, err := city.ins.Assess(sysCtx, dec, insurance.AssessOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := city.ins.Close(sysCtx, dec, insurance.CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "wages.csv")
	if err := os.WriteFile(file, []byte("身份证号码,年度,申报工资\n"+string(city.inside.ResidentID)+",2025,9000.00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bs := newBrowserSession(t, exe, "wages-")
	ctx, run, text := bs.ctx, bs.run, bs.text
	base := city.srv.URL
	signIn := func(step, path, name, ready string) {
		t.Helper()
		bs.signIn(step, base+path, name, city.password, ready)
	}
	signIn("wages", "/employers/"+itoa(e.ID)+"/wages?year=2025", "cw402", "#wages-form")
	row := "#wage-" + itoa(rel.ID)
	run("wages-declared",
		chromedp.SetUploadFiles(chromedp.CSS("#wages-file"), []string{file}),
		chromedp.Click(chromedp.CSS("#wages-submit")),
		chromedp.WaitVisible(chromedp.CSS("#wages-declared")),
		chromedp.WaitVisible(chromedp.CSS(row)),
		loaded,
	)
	run("correction-prepared",
		chromedp.Click(chromedp.CSS(row+" .wage-derive")),
		chromedp.WaitVisible(chromedp.CSS("#correction-prepared")),
		loaded,
	)
	list, err := city.ins.PreparedCorrections(sysCtx, insurance.CorrectionFilter{Status: insurance.CorrectionPrepared})
	if err != nil || len(list) != 1 {
		t.Fatalf("prepared: %+v %v", list, err)
	}
	corr := "#correction-" + itoa(list[0].ID)
	if n := bs.eval(`document.querySelectorAll('` + corr + ` .correction-approve').length`); n != 0 {
		t.Errorf("the preparer is offered the approval")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-form")), loaded); err != nil {
		t.Fatal(err)
	}
	signIn("corrections", "/corrections", "rev402", corr)
	run("correction-approved",
		chromedp.Click(chromedp.CSS(corr+" .correction-approve")),
		chromedp.WaitVisible(chromedp.CSS("#correction-decided")),
		loaded,
	)
	if got := text(corr + " .correction-status"); !strings.HasPrefix(got, "已批准") {
		t.Errorf("the correction's status after approval: %q", got)
	}
	rep, err := city.ins.Check(sysCtx)
	if err != nil || !rep.OK {
		t.Errorf("check after the reviewed correction: %+v %v", rep, err)
	}
	bs.checkConsole()
}
