package access

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// ListAudit lists audit entries newest first: with f.PersonID it answers
// "who looked at this person". It needs ReadAudit, and is itself audited
// (audit.search), so that the auditors' questions leave a trace too.
func (s *Service) ListAudit(ctx context.Context, f AuditFilter) ([]Entry, error) {
	c, err := Require(ctx, ReadAudit)
	if err != nil {
		return nil, err
	}
	p, err := clampPage(Page{Limit: f.Limit})
	if err != nil {
		return nil, err
	}
	f.Limit = p.Limit
	var out []Entry
	err = s.Store.Update(ctx, func(tx Tx) (err error) {
		if out, err = tx.ListAudit(ctx, f); err != nil {
			return err
		}
		return Record(ctx, tx, c, s.now(), Event{Action: "audit.search", Object: auditQuery(f)})
	})
	return out, err
}

// auditQuery names the question asked of the trail, for its own entry.
func auditQuery(f AuditFilter) string {
	q := url.Values{}
	if f.PersonID != 0 {
		q.Set("person_id", strconv.FormatInt(f.PersonID, 10))
	}
	if f.UserID != 0 {
		q.Set("user_id", strconv.FormatInt(f.UserID, 10))
	}
	if f.Action != "" {
		q.Set("action", f.Action)
	}
	if len(q) == 0 {
		return "audit"
	}
	return "audit?" + q.Encode()
}

// VerifyAudit walks the whole audit trail and reports the first breach:
// an edited, inserted or deleted entry, or a rewritten end. It needs
// ReadAudit. A nil Report.Breach means the trail is intact as far as the
// stored head; compare Report.Head with a copy kept elsewhere (printed by
// hrss audit verify) to catch a rewrite of the whole trail.
func (s *Service) VerifyAudit(ctx context.Context) (Report, error) {
	if _, err := Require(ctx, ReadAudit); err != nil {
		return Report{}, err
	}
	var r Report
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		r, err = verifyChain(ctx, tx)
		return err
	})
	return r, err
}

// String summarises r in one line.
func (r Report) String() string {
	if r.Breach != nil {
		return fmt.Sprintf("audit trail BREACHED: %v (%d entries intact before it)", r.Breach, r.Entries)
	}
	return fmt.Sprintf("audit trail intact: %d entries, head %d %s", r.Entries, r.Head.Seq, r.Head.Hash)
}
