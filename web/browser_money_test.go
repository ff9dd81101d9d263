package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hrss/access"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules/period"
)

// TestBrowserMoney: a city-wide caseworker bills the late fee of an
// employer that paid its January bill late and in part, reads the line
// with its rule, imports the tax bureau's file paying the rest of the
// principal, the fee and a little more, sees the employer out of arrears,
// and prepares the refund of what was paid too much; a reviewer of the
// division (not the preparer) approves it, and the caseworker issues it
// with its bank file and takes in the bank's return (a bad file refused
// with its row and column, then the refund paid).
func TestBrowserMoney(t *testing.T) {
	exe := chromiumPath(t)
	city := newBrowserCity(t)
	p := period.New(2026, 1) // due 2026-02-15; the city's today is 2026-03-01
	if _, err := city.ins.Assess(sysCtx, p, insurance.AssessOptions{}); err != nil {
		t.Fatal(err)
	}
	es, err := city.reg.FindEmployers(sysCtx, registry.EmployerQuery{Division: "330402", Page: registry.Page{Limit: 50}})
	if err != nil {
		t.Fatal(err)
	}
	var bill insurance.Bill
	var emp registry.Employer
	for _, e := range es {
		bs, err := city.ins.Bills(sysCtx, insurance.BillFilter{Period: p, PayerKind: insurance.PayerEmployer, PayerID: e.ID})
		if err == nil && len(bs) == 1 && bs[0].Due > 100_00 {
			bill, emp = bs[0], e
			break
		}
	}
	if emp.ID == 0 {
		t.Fatal("no employer of 330402 with a bill")
	}
	half := bill.Due / 2
	first := fmt.Sprintf("credit_code,period,amount,reference,date\n%s,2026-01,%s,BM-1,2026-02-20\n", emp.CreditCode, half)
	if _, err := city.ins.ImportCollections(sysCtx, "first.csv", []byte(first)); err != nil {
		t.Fatal(err)
	}
	for _, in := range []access.UserInput{
		{Name: "cwcity", Role: "caseworker", Divisions: []string{"330400"}},
		{Name: "rev402", Role: "reviewer", Divisions: []string{"330402"}},
	} {
		in.Password = city.password
		if _, err := city.acc.CreateUser(sysCtx, in); err != nil {
			t.Fatal(err)
		}
	}
	bs := newBrowserSession(t, exe, "money-")
	ctx, run, text := bs.ctx, bs.run, bs.text
	base := city.srv.URL
	signIn := func(step, path, name, ready string) {
		t.Helper()
		bs.signIn(step, base+path, name, city.password, ready)
	}
	// 1. the late fee billed to today, each line with its rule
	signIn("late-fees", "/late-fees", "cwcity", "#late-fee-form")
	run("late-fees-billed",
		chromedp.SetValue(chromedp.CSS("#late-fee-as-of"), "2026-03-01"),
		chromedp.Click(chromedp.CSS("#late-fee-bill")),
		chromedp.WaitVisible(chromedp.CSS("#late-fee-done")),
		loaded,
	)
	lines, err := city.ins.LateFees(sysCtx, insurance.LateFeeFilter{Period: p, PayerKind: insurance.PayerEmployer, PayerID: emp.ID})
	if err != nil || len(lines) != 2 {
		t.Fatalf("the employer's late fee lines: %+v %v", lines, err)
	}
	fee := lines[0].Amount + lines[1].Amount
	if got := text("#late-fee-lines"); !strings.Contains(got, "社会保险法 第八十六条") || !strings.Contains(got, "有依据") || !strings.Contains(got, "每行四舍五入到分") {
		t.Errorf("the lines do not cite their rule: %q", got)
	}
	// 2. the tax bureau's file pays the rest of the principal, the fee and 20 yuan more
	file := filepath.Join(t.TempDir(), "collections.csv")
	rest := bill.Due - half + fee + 20_00
	if err := os.WriteFile(file, fmt.Appendf(nil, "credit_code,period,amount,reference,date\n%s,2026-01,%s,BM-2,2026-03-01\n", emp.CreditCode, rest), 0o644); err != nil {
		t.Fatal(err)
	}
	run("collections",
		chromedp.Navigate(base+"/runs"),
		chromedp.WaitVisible(chromedp.CSS("#collections-form")),
		loaded,
		chromedp.SetUploadFiles(chromedp.CSS("#collections-file"), []string{file}),
		chromedp.Click(chromedp.CSS("#collections-import")),
		chromedp.WaitVisible(chromedp.CSS("#collections-applied")),
		loaded,
	)
	if got := text("#collections-fees"); !strings.Contains(got, "滞纳金") {
		t.Errorf("the import does not say what paid the late fee: %q", got)
	}
	// 3. the employer is out of arrears: principal and fee paid
	run("employer-paid",
		chromedp.Navigate(base+"/employers/"+itoa(emp.ID)),
		chromedp.WaitVisible(chromedp.CSS("#no-arrears")),
		loaded,
	)
	// 4. the 20 yuan are a credit; the caseworker prepares its refund
	run("credit",
		chromedp.Click(chromedp.CSS("#nav-money")),
		chromedp.WaitVisible(chromedp.CSS("#credit-BM-2")),
		loaded,
		chromedp.Click(chromedp.CSS("#credit-BM-2 .credit-open")),
		chromedp.WaitVisible(chromedp.CSS("#refund-form")),
		loaded,
	)
	run("refund-prepared",
		chromedp.SendKeys(chromedp.CSS("#refund-holder"), emp.Name),
		chromedp.SendKeys(chromedp.CSS("#refund-bank"), "工商银行"),
		chromedp.SendKeys(chromedp.CSS("#refund-account"), "6222020000000009"),
		chromedp.SendKeys(chromedp.CSS("#refund-reason"), "多缴退还"),
		chromedp.Click(chromedp.CSS("#refund-prepare")),
		chromedp.WaitVisible(chromedp.CSS("#refund-prepared")),
		loaded,
	)
	refunds, err := city.ins.Refunds(sysCtx, insurance.RefundFilter{Credit: "BM-2"})
	if err != nil || len(refunds) != 1 || refunds[0].Amount != 20_00 {
		t.Fatalf("the refund: %+v %v", refunds, err)
	}
	row := "#refund-" + itoa(refunds[0].ID)
	if n := bs.eval(`document.querySelectorAll('` + row + ` .refund-approve').length`); n != 0 {
		t.Errorf("the preparer is offered the approval")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-form")), loaded); err != nil {
		t.Fatal(err)
	}
	// 5. a reviewer of the division approves it (four eyes)
	signIn("refunds", "/refunds", "rev402", row)
	run("refund-approved",
		chromedp.Click(chromedp.CSS(row+" .refund-approve")),
		chromedp.WaitVisible(chromedp.CSS("#refund-decided")),
		loaded,
	)
	if got := text(row + " .refund-status"); got != "已审批" {
		t.Errorf("the refund's status after approval: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-form")), loaded); err != nil {
		t.Fatal(err)
	}
	// 6. the caseworker issues it: the bank file pays 20 yuan to the account
	signIn("refund-issue", "/refunds", "cwcity", "#refund-issue-form")
	run("refund-issued",
		chromedp.Click(chromedp.CSS("#refund-issue")),
		chromedp.WaitVisible(chromedp.CSS("#refund-issued")),
		loaded,
	)
	bank, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('#refund-bank-csv').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.Contains(bank, ",6222020000000009,20.00,BM-2,") {
		t.Fatalf("the refund bank file: %q %v", bank, err)
	}
	// 7. the bank's return, uploaded: a bad file is refused whole with its
	// row and column; the good one marks the refund paid
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "return.csv")
	ref := fmt.Sprintf("refund:%d", refunds[0].ID)
	if err := os.WriteFile(bad, []byte("reference,status,reason\n"+ref+",maybe,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte("reference,status,reason\n"+ref+",paid,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("refund-return-refused",
		chromedp.SetUploadFiles(chromedp.CSS("#refund-return-file"), []string{bad}),
		chromedp.Click(chromedp.CSS("#refund-return-import")),
		chromedp.WaitVisible(chromedp.CSS("#refund-return-errors")),
		loaded,
	)
	if got := text("#refund-return-errors"); !strings.Contains(got, "2") || !strings.Contains(got, "status") {
		t.Errorf("the refused return does not name its row and column: %q", got)
	}
	run("refund-returned",
		chromedp.SetUploadFiles(chromedp.CSS("#refund-return-file"), []string{good}),
		chromedp.Click(chromedp.CSS("#refund-return-import")),
		chromedp.WaitVisible(chromedp.CSS("#refund-return-done")),
		loaded,
	)
	if got := text(row + " .refund-status"); !strings.Contains(got, "银行已支付") {
		t.Errorf("the refund's status after the bank's return: %q", got)
	}
	rep, err := city.ins.Check(sysCtx)
	if err != nil || !rep.OK {
		t.Errorf("check after the browser's late fee and refund: %+v %v", rep, err)
	}
	bs.checkConsole()
}
