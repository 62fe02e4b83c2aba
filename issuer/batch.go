package issuer

import (
	"context"
	"runtime"
	"sync"
)

// BatchResult is the outcome of one request of a batch: Record on success,
// Err (an *Error for bad input) otherwise. Index is the request's position.
type BatchResult struct {
	Index  int
	Record *Record
	Err    error
}

// maxInFlight bounds the signed credentials waiting for the writer.
const maxInFlight = 4096

// IssueBatch issues many credentials. Every request is validated first; bad
// ones are reported (and nothing is stored for them), good ones are signed
// on GOMAXPROCS workers and stored by the group-commit writer. progress,
// if not nil, is called from one goroutine after each request is settled.
// The error is nil unless the batch could not run at all (e.g. the actor may
// not issue) or ctx ended; then requests not yet issued carry ctx's error.
func (s *Service) IssueBatch(ctx context.Context, actor Actor, reqs []IssueRequest, progress func(done, total int)) ([]BatchResult, error) {
	actor, err := s.requireStaff(ctx, actor)
	if err != nil {
		return nil, err
	}
	results := make([]BatchResult, len(reqs))
	err = s.issueBatch(ctx, actor, reqs, func(r BatchResult, done int) {
		results[r.Index] = r
		if progress != nil {
			progress(done, len(reqs))
		}
	})
	return results, err
}

// issueBatch is IssueBatch for an actor already checked, reporting each
// result as it is settled (an issued credential only once it is committed),
// from a single goroutine.
func (s *Service) issueBatch(ctx context.Context, actor Actor, reqs []IssueRequest, report func(r BatchResult, done int)) error {
	workers := runtime.GOMAXPROCS(0)
	inputs := make([]*issueInput, len(reqs))
	errs := make([]error, len(reqs))

	// 1. Validate everything up front, in parallel.
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				inputs[i], errs[i] = s.validateIssue(ctx, reqs[i])
			}
		}()
	}
	for i := range reqs {
		next <- i
	}
	close(next)
	wg.Wait()

	done := 0
	var good []int
	for i := range reqs {
		if errs[i] != nil {
			done++
			report(BatchResult{Index: i, Err: errs[i]}, done)
		} else {
			good = append(good, i)
		}
	}

	// 2. Sign in parallel; hand each signed credential to the writer
	// without waiting, so that many share one commit.
	type pending struct {
		i   int
		rec *Record
		ch  <-chan error
		err error
	}
	queue := make(chan pending, maxInFlight)
	work := make(chan int)
	var signers sync.WaitGroup
	for range workers {
		signers.Add(1)
		go func() {
			defer signers.Done()
			for i := range work {
				p := pending{i: i}
				if err := ctx.Err(); err != nil {
					p.err = err
				} else if p.rec, p.err = s.sign(ctx, inputs[i]); p.err == nil {
					in, rec := inputs[i], p.rec
					p.ch, p.err = s.w.submit(ctx, func(w *wtx) error { return w.insertIssued(actor, rec, in.claimsJSON) })
				}
				queue <- p
			}
		}()
	}
	go func() {
		for _, i := range good {
			work <- i
		}
		close(work)
		signers.Wait()
		close(queue)
	}()

	// 3. Collect acknowledgements.
	for p := range queue {
		r := BatchResult{Index: p.i, Err: p.err}
		if p.err == nil {
			if err := s.w.wait(p.ch); err != nil {
				r.Err = err
			} else {
				r.Record = p.rec
			}
		}
		done++
		report(r, done)
	}
	return ctx.Err()
}
