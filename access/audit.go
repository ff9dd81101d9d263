package access

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Digest is a SHA-256 hash of the audit chain; JSON shows it in hex.
type Digest []byte

// MarshalText implements encoding.TextMarshaler.
func (d Digest) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(d)), nil }

// String returns d in hex.
func (d Digest) String() string { return hex.EncodeToString(d) }

// genesis is the previous hash of the first entry.
var genesis = Digest(make([]byte, sha256.Size))

// Head is the end of the audit chain: the last entry's number and hash.
type Head struct {
	Seq  int64  `json:"seq"`
	Hash Digest `json:"hash"`
}

// Entry is one record of the audit trail: who (user, name, role), when,
// what (an action on an object, and the persons whose data it showed or
// changed), from where, and why. Entries are append-only and chained:
// Hash is SHA-256 over PrevHash and the entry's canonical form.
type Entry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id,omitempty"`
	Actor    string    `json:"actor"`
	Role     Role      `json:"role"`
	Action   string    `json:"action"`             // e.g. person.view, employment.create, session.create
	Object   string    `json:"object,omitempty"`   // e.g. person/42; a list names the collection
	Subjects []int64   `json:"subjects,omitempty"` // persons whose data was shown or changed, ascending
	IP       string    `json:"ip,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	PrevHash Digest    `json:"prev_hash"`
	Hash     Digest    `json:"hash"`
}

// canonical is the entry's fields in a fixed, unambiguous text form (one
// per line, strings quoted), the input of its hash with PrevHash.
func (e *Entry) canonical() []byte {
	var b bytes.Buffer
	b.WriteString("hrss-audit-v1\n")
	fmt.Fprintf(&b, "%d\n%s\n%d\n", e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.UserID)
	for _, s := range []string{e.Actor, string(e.Role), e.Action, e.Object} {
		b.WriteString(strconv.Quote(s))
		b.WriteByte('\n')
	}
	b.WriteString(joinIDs(e.Subjects))
	b.WriteByte('\n')
	b.WriteString(strconv.Quote(e.IP))
	b.WriteByte('\n')
	b.WriteString(strconv.Quote(e.Reason))
	b.WriteByte('\n')
	return b.Bytes()
}

// ComputeHash returns SHA-256 over e.PrevHash and e's canonical form.
func (e *Entry) ComputeHash() Digest {
	h := sha256.New()
	h.Write(e.PrevHash)
	h.Write(e.canonical())
	return h.Sum(nil)
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

// SplitIDs parses the comma-separated subjects of a stored entry.
func SplitIDs(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]int64, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("audit subjects %q: %w", s, err)
		}
		out[i] = n
	}
	return out, nil
}

// JoinIDs formats subjects for storage, the inverse of SplitIDs.
func JoinIDs(ids []int64) string { return joinIDs(ids) }

// Event is what a service records: the action, its object and subjects.
// Record fills in who, when, from where and why from the caller.
type Event struct {
	Action   string
	Object   string
	Subjects []int64
}

// Record appends an entry for ev by c at time at to the audit trail of
// tx: it reads the head, numbers and chains the entry and inserts it. Call
// it inside the transaction whose read or write it records.
func Record(ctx context.Context, tx AuditTx, c Caller, at time.Time, ev Event) error {
	return RecordAll(ctx, tx, []TimedEvent{{Caller: c, At: at, Event: ev}})
}

// RecordAll appends an entry for each of as, in order, to the audit trail
// of tx: it reads the head once, numbers and chains the entries in memory
// and inserts them at once (AuditTx.InsertAudit), so that a batch of the
// journal costs the statements of one entry rather than of each.
func RecordAll(ctx context.Context, tx AuditTx, as []TimedEvent) error {
	if len(as) == 0 {
		return nil
	}
	head, err := tx.AuditHead(ctx)
	if err != nil {
		return err
	}
	if len(head.Hash) == 0 {
		head.Hash = genesis
	}
	es := make([]Entry, len(as))
	for i, a := range as {
		es[i] = chained(head, a)
		head = Head{Seq: es[i].Seq, Hash: es[i].Hash}
	}
	return tx.InsertAudit(ctx, es)
}

// chained is the entry of a that follows head.
func chained(head Head, a TimedEvent) Entry {
	c, ev := a.Caller, a.Event
	e := Entry{
		Seq: head.Seq + 1, At: a.At.UTC().Truncate(time.Microsecond), UserID: c.UserID, Actor: c.Actor(), Role: c.Role,
		Action: ev.Action, Object: ev.Object, Subjects: normalIDs(ev.Subjects), IP: c.IP, Reason: c.Reason, PrevHash: head.Hash,
	}
	e.Hash = e.ComputeHash()
	return e
}

// normalIDs returns ids ascending without duplicates or zeros.
func normalIDs(ids []int64) []int64 {
	out := slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return id <= 0 })
	slices.Sort(out)
	return slices.Compact(out)
}

// Breach is the first place where the stored audit trail differs from
// what was appended.
type Breach struct {
	Seq     int64  `json:"seq"`
	Problem string `json:"problem"`
}

// Error describes b.
func (b *Breach) Error() string { return fmt.Sprintf("audit entry %d: %s", b.Seq, b.Problem) }

// Report is the outcome of Verify.
type Report struct {
	Entries int64   `json:"entries"` // entries checked
	Head    Head    `json:"head"`    // the head as stored
	Breach  *Breach `json:"breach,omitempty"`
}

// verifyPage is how many entries Verify reads at a time.
const verifyPage = 1000

// verifyChain walks the trail of tx in chain order and returns the first
// breach: an entry whose hash does not match its content (edited), whose
// previous hash is not its predecessor's (edited or inserted), a missing
// number (deleted), subjects that differ from their index, or a head that
// is not the last entry (deleted at the end).
func verifyChain(ctx context.Context, tx Tx) (Report, error) {
	var r Report
	var err error
	if r.Head, err = tx.PeekAuditHead(ctx); err != nil {
		return r, err
	}
	prev := Head{Seq: 0, Hash: genesis}
	for prev.Seq < r.Head.Seq {
		page, err := tx.AuditChain(ctx, prev.Seq, verifyPage)
		if err != nil {
			return r, err
		}
		if len(page) == 0 {
			r.Breach = &Breach{Seq: prev.Seq + 1, Problem: fmt.Sprintf("missing: the trail ends at entry %d but its head is entry %d", prev.Seq, r.Head.Seq)}
			return r, nil
		}
		index, err := tx.AuditIndex(ctx, page[0].Seq, page[len(page)-1].Seq)
		if err != nil {
			return r, err
		}
		for i := range page {
			e := &page[i]
			if e.Seq > r.Head.Seq {
				break // appended after the head was read
			}
			if b := checkEntry(e, prev, index[e.Seq]); b != nil {
				r.Breach = b
				return r, nil
			}
			prev = Head{Seq: e.Seq, Hash: e.Hash}
			r.Entries++
		}
	}
	if !bytes.Equal(prev.Hash, r.Head.Hash) {
		r.Breach = &Breach{Seq: prev.Seq, Problem: "the head's hash is not this entry's: the trail's end was rewritten"}
	}
	return r, nil
}

// checkEntry checks e against its predecessor prev and its subject index.
func checkEntry(e *Entry, prev Head, index []int64) *Breach {
	switch {
	case e.Seq != prev.Seq+1:
		return &Breach{Seq: prev.Seq + 1, Problem: fmt.Sprintf("missing: entry %d follows entry %d (deleted)", e.Seq, prev.Seq)}
	case !bytes.Equal(e.PrevHash, prev.Hash):
		return &Breach{Seq: e.Seq, Problem: "its previous hash is not the hash of entry " + strconv.FormatInt(prev.Seq, 10) + " (an entry before it was altered or replaced)"}
	case !bytes.Equal(e.ComputeHash(), e.Hash):
		return &Breach{Seq: e.Seq, Problem: "its content does not match its hash (altered)"}
	case !slices.Equal(e.Subjects, index):
		return &Breach{Seq: e.Seq, Problem: fmt.Sprintf("its subject index [%s] differs from its subjects [%s]", joinIDs(index), joinIDs(e.Subjects))}
	}
	return nil
}
