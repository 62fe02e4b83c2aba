package issuer

import (
	"context"
	"crypto"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/cityid/cityid/issuer/internal/audit"
)

// Group commit. Every change to the database goes through one writer
// goroutine as a job. The writer takes every job that is waiting (up to
// maxGroup), runs them in one transaction, each inside its own SAVEPOINT so
// that one failing job does not undo the others, and COMMITs once: one fsync
// for the whole group. Each caller is answered only after COMMIT returned,
// so an acknowledged change is on disk.
//
// Jobs run on the writer goroutine and must be quick: all signing and
// validation happen before a job is submitted.

const maxGroup = 1024

// job is one unit of work for the writer.
type job struct {
	fn   func(w *wtx) error
	done chan error // buffered, receives exactly one value
}

// kept wraps an error a job wants reported to its caller while its changes
// are committed anyway (for example a wrong tx_code: the failed attempt is
// counted).
type kept struct{ err error }

func (k kept) Error() string { return k.err.Error() }

// keep marks err to be returned after the job's changes are committed.
func keep(err error) error { return kept{err} }

// wtx is what a job sees: the open transaction, the time of the group and the
// audit chain head, advanced by each audit entry the job appends.
type wtx struct {
	ctx  context.Context
	tx   *sql.Tx
	now  time.Time
	head audit.Head
	s    *Service
}

func (w *wtx) exec(query string, args ...any) (sql.Result, error) {
	return w.tx.ExecContext(w.ctx, query, args...)
}

func (w *wtx) queryRow(query string, args ...any) *sql.Row {
	return w.tx.QueryRowContext(w.ctx, query, args...)
}

// audit appends one row to the audit chain. details must not hold claim
// values or secrets.
func (w *wtx) audit(actor Actor, action, object string, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	d, err := json.Marshal(details) // sorted keys: canonical
	if err != nil {
		return err
	}
	e := audit.Entry{
		Seq:       w.head.Seq + 1,
		At:        w.now.UTC().Format(time.RFC3339Nano),
		ActorKind: actor.Kind,
		ActorName: actor.Name,
		Action:    action,
		Object:    object,
		Details:   string(d),
		PrevHash:  w.head.Hash,
	}
	e.Hash = audit.Hash(e.PrevHash, e)
	if _, err := w.exec(`INSERT INTO audit_log (seq, at, actor_kind, actor_name, action, object, details, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, e.At, e.ActorKind, e.ActorName, e.Action, e.Object, e.Details, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("appending to the audit log: %w", err)
	}
	w.head.Seq, w.head.Hash = e.Seq, e.Hash
	return nil
}

type writer struct {
	s      *Service
	db     *sql.DB
	jobs   chan *job
	stop   chan struct{}
	done   chan struct{}
	groups atomic.Int64 // transactions committed, for tests and metrics
}

func newWriter(s *Service, db *sql.DB) *writer {
	w := &writer{s: s, db: db, jobs: make(chan *job, 4*maxGroup), stop: make(chan struct{}), done: make(chan struct{})}
	go w.loop()
	return w
}

var errClosed = errors.New("the issuer service is closed")

// submit queues fn and returns the channel its result arrives on.
func (w *writer) submit(ctx context.Context, fn func(*wtx) error) (<-chan error, error) {
	j := &job{fn: fn, done: make(chan error, 1)}
	select {
	case <-w.stop:
		return nil, errClosed
	default:
	}
	select {
	case w.jobs <- j:
		return j.done, nil
	case <-w.stop:
		return nil, errClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// do runs fn in the writer and waits until it is committed (or failed).
// The wait does not end on ctx cancellation once the job is queued: the
// caller must learn whether its change was stored.
func (w *writer) do(ctx context.Context, fn func(*wtx) error) error {
	ch, err := w.submit(ctx, fn)
	if err != nil {
		return err
	}
	return w.wait(ch)
}

// wait returns a submitted job's result, or errClosed when the writer
// stopped without running it (it was queued after the final drain).
func (w *writer) wait(ch <-chan error) error {
	select {
	case err := <-ch:
		return err
	case <-w.done:
		select {
		case err := <-ch:
			return err
		default:
			return errClosed
		}
	}
}

func (w *writer) close() {
	close(w.stop)
	<-w.done
}

func (w *writer) loop() {
	defer close(w.done)
	group := make([]*job, 0, maxGroup)
	for {
		var first *job
		select {
		case first = <-w.jobs:
		case <-w.stop:
			// Finish what was queued before the stop.
			for {
				select {
				case j := <-w.jobs:
					w.run([]*job{j})
				default:
					return
				}
			}
		}
		group = append(group[:0], first)
	drain:
		for len(group) < maxGroup {
			select {
			case j := <-w.jobs:
				group = append(group, j)
			default:
				break drain
			}
		}
		w.run(group)
	}
}

// run executes one group in one transaction.
func (w *writer) run(group []*job) {
	results := make([]error, len(group))
	err := storageFault(w.s.dir, w.runTx(group, results))
	for i, j := range group {
		if err != nil {
			j.done <- err
			continue
		}
		var k kept
		if errors.As(results[i], &k) {
			results[i] = k.err
		}
		j.done <- storageFault(w.s.dir, results[i])
	}
}

func (w *writer) runTx(group []*job, results []error) error {
	ctx := context.Background()
	tx, err := w.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (see store)
	if err != nil {
		return fmt.Errorf("starting a database transaction: %w", err)
	}
	defer tx.Rollback()
	t := &wtx{ctx: ctx, tx: tx, now: w.s.now(), s: w.s}
	var sig string
	err = tx.QueryRowContext(ctx, "SELECT seq, hash, signature FROM audit_head WHERE id = 1").Scan(&t.head.Seq, &t.head.Hash, &sig)
	if errors.Is(err, sql.ErrNoRows) {
		t.head = audit.Head{Seq: 0, Hash: audit.Genesis}
	} else if err != nil {
		return fmt.Errorf("reading the audit head: %w", err)
	}
	start := t.head
	single := len(group) == 1
	for i, j := range group {
		saved := t.head
		if !single {
			if _, err := tx.ExecContext(ctx, "SAVEPOINT job"); err != nil {
				return err
			}
		}
		results[i] = runJob(j, t)
		var k kept
		if results[i] == nil || errors.As(results[i], &k) {
			if !single {
				if _, err := tx.ExecContext(ctx, "RELEASE job"); err != nil {
					return err
				}
			}
			continue
		}
		t.head = saved
		if single {
			return nil // nothing to keep; the deferred rollback undoes it
		}
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO job"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "RELEASE job"); err != nil {
			return err
		}
	}
	if t.head.Seq != start.Seq || t.head.Hash != start.Hash {
		sig, err := w.s.rootSigner.Sign(nil, audit.HeadMessage(t.head.Seq, t.head.Hash), crypto.Hash(0))
		if err != nil {
			return fmt.Errorf("signing the audit head: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_head (id, seq, hash, signature) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, signature = excluded.signature`,
			t.head.Seq, t.head.Hash, base64.RawStdEncoding.EncodeToString(sig)); err != nil {
			return fmt.Errorf("storing the audit head: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing to the database: %w", err)
	}
	w.groups.Add(1)
	return nil
}

// runJob runs one job, turning a panic into an error so that one bad job
// cannot take the writer down.
func runJob(j *job, t *wtx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in a database job: %v", r)
		}
	}()
	return j.fn(t)
}
