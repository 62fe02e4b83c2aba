package issuer

// Durable issuance through the whole path: validate, status index, sign,
// store and audit, acknowledged only after COMMIT (synchronous=FULL):
//
//	go test -run x -bench IssueDurable -benchtime 5000x ./issuer/
//
// Many concurrent callers (an HTTP server's clients, SetParallelism) share
// each commit through the group-commit writer.
//
// Figures (2026-11-22, the 2-core development machine shared with other
// work, median of 3 runs of 5000 CityIDCredentials each, creds/s):
//
//	                        default GOGC   GOGC=400
//	IssueDurable dc+sd-jwt        10 072     11 941
//	IssueDurable ldp_vc            2 883      3 186
//	IssueBatch   dc+sd-jwt        10 309     15 029
//	IssueBatch   ldp_vc            2 664      3 456
//
// ldp_vc is bound by the eddsa-rdfc-2022 signature (about 480 µs of CPU
// with the two status entries, most of it JSON-LD expansion in
// credential/ld); the garbage it makes is why GOGC helps.

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
