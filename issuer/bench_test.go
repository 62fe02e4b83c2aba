package issuer

// Durable issuance through the whole path: validate, status index, sign,
// store and audit, acknowledged only after COMMIT (synchronous=FULL):
//
//	go test -run x -bench IssueDurable -benchtime 5000x ./issuer/
//
// Many concurrent callers (an HTTP server's clients, SetParallelism) share
// each commit through the group-commit writer.

import (
	"context"
	"testing"

	"github.com/cityid/cityid/schemas"
)

func BenchmarkIssueDurable(b *testing.B) {
	ctx := context.Background()
	for _, f := range []Format{FormatSDJWT, FormatLDP} {
		b.Run(string(f), func(b *testing.B) {
			s := newService(b)
			h := newHolder(b)
			req := IssueRequest{Type: schemas.CityIDCredential, Subject: h.did, Claims: cityIDClaims(), Format: f}
			b.SetParallelism(benchParallelism) // callers per core
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.Issue(ctx, cli, req); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creds/s")
			b.ReportMetric(float64(b.N)/float64(s.w.groups.Load()), "creds/commit")
		})
	}
}

func BenchmarkIssueBatch(b *testing.B) {
	ctx := context.Background()
	for _, f := range []Format{FormatSDJWT, FormatLDP} {
		b.Run(string(f), func(b *testing.B) {
			s := newService(b)
			h := newHolder(b)
			reqs := make([]IssueRequest, b.N)
			for i := range reqs {
				reqs[i] = IssueRequest{Type: schemas.CityIDCredential, Subject: h.did, Claims: cityIDClaims(), Format: f}
			}
			b.ReportAllocs()
			b.ResetTimer()
			res, err := s.IssueBatch(ctx, cli, reqs, nil)
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range res {
				if r.Err != nil {
					b.Fatal(r.Err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creds/s")
		})
	}
}

// benchParallelism is the number of concurrent callers per core.
var benchParallelism = 64
