//go:build unix

package faults

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"hrss/access"
	"hrss/sheet"
)

// TestBadImportFilesWriteNothing imports collection files that are
// truncated or corrupted (CSV cut in the middle of a row, CSV with
// garbage bytes in it, Excel cut in half, Excel with its archive
// damaged) through the command line, the API and the screen. Each is refused with
// an error that names the file's fault (the row and column where there
// is one), and the collections screen's upload refuses it too (422); nothing is written: the imports, payments, bills' paid
// amounts and the audit trail are as before; hrss check and hrss audit
// verify pass. The intact file then imports.
func TestBadImportFilesWriteNothing(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		e.must(t, "demo", "--no-serve", "--persons", "400", "--months", "1", "--as-of", "2025-07-04")
		var p int
		if err := e.sqlDB(t).QueryRow("SELECT max(period) FROM ins_periods").Scan(&p); err != nil {
			t.Fatal(err)
		}
		path, _ := collectionFile(t, e, fmt.Sprintf("%04d-%02d", p/100, p%100))
		good, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows := strings.Split(strings.TrimSpace(string(good)), "\n")
		var cells [][]string
		for _, r := range rows[1:] {
			cells = append(cells, strings.Split(r, ","))
		}
		xlsx, err := sheet.XLSX("collections", strings.Split(rows[0], ","), cells)
		if err != nil {
			t.Fatal(err)
		}
		mid := len(rows[0]) + 1 + len(rows[1]) + 1 + len(rows[2])/2 // inside the third line: the second row, cut in its cells
		garbled := bytes.Clone(good)
		copy(garbled[len(rows[0])+1+3:], []byte{0xff, 0x00, 0xfe, '"', 0x80, ','})
		damaged := bytes.Clone(xlsx)
		copy(damaged[len(damaged)/3:], bytes.Repeat([]byte{0xa5}, 64))
		files := []struct {
			name string
			data []byte
			says []string // what the error must name
		}{
			{"cut.csv", good[:mid], []string{"row 3", "column"}},
			{"garbled.csv", garbled, []string{"row 2", "column"}},
			{"cut.xlsx", xlsx[:len(xlsx)/2], []string{"file: the Excel workbook cannot be read"}},
			{"damaged.xlsx", damaged, []string{"file: the Excel workbook cannot be read"}},
			{"empty.csv", nil, []string{"header"}},
		}
		token := e.writerToken(t)
		password := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(e.must(t, "user", "add", "--name", "fault.screen", "--role", "caseworker", "--division", "330400"))
		// no late fee job: its billing, in chunks beside the test, writes
		// audit entries of its own
		srv := e.serve(t, "--late-fees-every", "0")
		c := &http.Client{Timeout: time.Minute}
		session := signIn(t, c, srv.url, "fault.screen", password[1]) // audited: before the snapshot
		before := snapshot(t, e)
		for _, f := range files {
			file := filepath.Join(t.TempDir(), f.name)
			if err := os.WriteFile(file, f.data, 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errs := e.run(t, "collections", "import", file)
			if code != 2 || out != "" || !containsAll(errs, f.says) {
				t.Errorf("hrss collections import %s: exit %d, %q %q; want exit 2 naming %q", f.name, code, out, errs, f.says)
			}
			st, m := upload(t, c, srv.url+"/api/v1/collections?name="+f.name, token, f.data)
			if st != http.StatusUnprocessableEntity || m["rule"] == "" || !containsAll(fmt.Sprint(m["detail"]), f.says[1:]) {
				t.Errorf("POST /api/v1/collections %s: %d %v", f.name, st, m)
			}
			if st, page := uploadScreen(t, c, srv.url, session, f.name, f.data); st != http.StatusUnprocessableEntity || !strings.Contains(page, "collections") {
				t.Errorf("the collections screen's upload of %s: %d", f.name, st)
			}
			if now := snapshot(t, e); now != before {
				t.Fatalf("%s wrote something:\nbefore %s\nafter  %s", f.name, before, now)
			}
		}
		e.intact(t)
		e.must(t, "collections", "import", path)
		if snapshot(t, e) == before {
			t.Fatal("the intact file imported nothing")
		}
	})
}

// TestForeignDatabaseWritesNothing points --db at a file that is not a
// SQLite database and at a SQLite database that is not hrss's, for the
// commands that would migrate or serve it: each is refused (exit 2, the
// rule db.not_hrss named), and the file is byte for byte as it was, with
// no write-ahead log or key file made beside it.
func TestForeignDatabaseWritesNothing(t *testing.T) {
	dir := t.TempDir()
	random := filepath.Join(dir, "random.bin")
	noise := make([]byte, 64<<10)
	for i := range noise {
		noise[i] = byte(i*7919 + i/251)
	}
	if err := os.WriteFile(random, noise, 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "notes.db")
	x, err := sql.Open("sqlite", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.Exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('not hrss''s')"); err != nil {
		t.Fatal(err)
	}
	x.Close()
	for path, says := range map[string]string{
		random: "is not an hrss database: it is not a SQLite database file",
		other:  "is not an hrss database: it is a SQLite database of 1 tables without hrss's schema_migrations",
	} {
		sum := fileSum(t, path)
		e := env{db: path, key: filepath.Join(t.TempDir(), "hrss.key")}
		for _, args := range [][]string{{"check"}, {"migrate"}, {"audit", "verify"}, {"serve", "--addr", "127.0.0.1:0"}} {
			code, _, errs := e.run(t, args...)
			if code != 2 || !strings.Contains(errs, says) || !strings.Contains(errs, "nothing was written to it") {
				t.Errorf("hrss --db %s %s: exit %d %q", filepath.Base(path), args[0], code, errs)
			}
		}
		if fileSum(t, path) != sum {
			t.Errorf("%s was changed", path)
		}
		for _, beside := range []string{path + "-wal", path + "-shm", path + "-journal", e.key} {
			if fileExists(beside) {
				t.Errorf("%s was made", beside)
			}
		}
	}
}

// snapshot sums what an import writes: imports, payments, what they
// applied, and the audit trail.
func snapshot(t *testing.T, e env) string {
	t.Helper()
	x := e.sqlDB(t)
	return fmt.Sprintf("imports %d, payments %d applying %d, audit entries %d",
		count(t, x, "SELECT count(*) FROM ins_imports"), count(t, x, "SELECT count(*) FROM ins_payments"),
		count(t, x, "SELECT coalesce(sum(applied), 0) FROM ins_payments"), count(t, x, "SELECT count(*) FROM audit_entries"))
}

// upload posts a collection file to the API and decodes the answer.
func upload(t *testing.T, c *http.Client, url, token string, data []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), "POST", url, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return res.StatusCode, m
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// signIn signs in through the API and returns the session secret.
func signIn(t *testing.T, c *http.Client, url, name, password string) string {
	t.Helper()
	st, m, err := call(context.Background(), c, "POST", url+"/api/v1/session", "", map[string]any{"username": name, "password": password})
	if err != nil || st != http.StatusCreated {
		t.Fatalf("sign-in: %d %v %v", st, m, err)
	}
	return m["token"].(string)
}

// uploadScreen uploads a file through the collections screen's form as a
// browser does: the session cookie, the CSRF token, multipart.
func uploadScreen(t *testing.T, c *http.Client, url, session, name string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", access.CSRFToken(session))
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest("POST", url+"/collections", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "en")
	req.AddCookie(&http.Cookie{Name: "hrss_session", Value: session})
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(page)
}
