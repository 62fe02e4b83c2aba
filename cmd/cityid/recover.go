package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cityid/cityid/issuer"
)

// issuerEnrol records a resident at the counter and prints their number,
// which `issue --resident`, `offer --resident` and `recover` take.
func issuerEnrol(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer enrol", stderr, "issuer enrol --data DIR --name NAME [--reference REF]")
	dir := fs.String("data", "", "data directory")
	name := fs.String("name", "", "the resident's name, as the counter finds them again")
	ref := fs.String("reference", "", "an optional reference, such as a case number")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || *name == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	return withIssuer(*dir, "enrol", stderr, func(svc *issuer.Service) int {
		res, err := svc.Enrol(context.Background(), cliActor(), *name, *ref)
		if err != nil {
			return reportErr(stderr, "enrol", err)
		}
		fmt.Fprintln(stdout, res.ID)
		return exitOK
	})
}

const recoverUsage = "issuer recover --data DIR --resident ID --evidence KIND [--document-kind K] [--paper] [--valid-until DATE] [--json]"

// issuerRecover is the counter recovery after a lost phone: it revokes the
// resident's credentials and prints the replacements, offers for the new
// wallet (URI then PIN, as `offer` prints them) or paper QR texts, one a line.
func issuerRecover(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer recover", stderr, recoverUsage)
	dir := fs.String("data", "", "data directory")
	resident := fs.Int64("resident", 0, "the enrolled resident's number")
	evidence := fs.String("evidence", "", "how the resident was re-verified in person: "+kinds(issuer.EvidenceKinds()))
	docKind := fs.String("document-kind", "", "with photo_id, the kind of document (never its number): "+kinds(issuer.DocumentKinds()))
	paper := fs.Bool("paper", false, "mint paper credentials (QR texts) instead of offers for a new wallet")
	validUntil := fs.String("valid-until", "", "a new validity end, YYYY-MM-DD (default: each credential keeps its own)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || *resident <= 0 || *evidence == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	req := issuer.RecoveryRequest{ResidentID: *resident, Paper: *paper,
		Evidence: issuer.RecoveryEvidence{Kind: *evidence, DocumentKind: *docKind}}
	if *validUntil != "" {
		t, err := issuer.ParseValidUntil(*validUntil)
		if err != nil {
			fmt.Fprintf(stderr, "cityid issuer recover: --valid-until %q: use a date as YYYY-MM-DD\n", *validUntil)
			return exitUsage
		}
		req.ValidUntil = &t
	}
	return withIssuer(*dir, "recover", stderr, func(svc *issuer.Service) int {
		rcv, err := svc.Recover(context.Background(), cliActor(), req)
		if err != nil {
			return reportErr(stderr, "recover", err)
		}
		if *asJSON {
			_ = json.NewEncoder(stdout).Encode(recoveryJSON(rcv))
			return exitOK
		}
		for _, o := range rcv.Offers {
			fmt.Fprintln(stdout, o.URI)
			fmt.Fprintln(stdout, o.TxCode)
		}
		for _, p := range rcv.Paper {
			fmt.Fprintln(stdout, strings.TrimSpace(string(p.Credential)))
		}
		made := "offer(s) for the new wallet"
		if *paper {
			made = "paper credential(s)"
		}
		fmt.Fprintf(stderr, "recovery %s: revoked %d credential(s), withdrew %d uncollected offer(s), made %d %s\n",
			rcv.ID, len(rcv.Revoked), len(rcv.Withdrawn), len(rcv.Offers)+len(rcv.Paper), made)
		for _, id := range rcv.Revoked {
			fmt.Fprintf(stderr, "revoked %s\n", id)
		}
		for _, p := range rcv.Paper {
			fmt.Fprintf(stderr, "paper %s %s (status index %d)\n", p.Type, p.ID, p.StatusIndex)
		}
		for _, t := range rcv.Expired {
			fmt.Fprintf(stderr, "not replaced: the %s's validity has ended; give --valid-until to re-issue it\n", t)
		}
		return exitOK
	})
}

func kinds(cs []issuer.Choice) string {
	v := make([]string, len(cs))
	for i, c := range cs {
		v[i] = c.Value
	}
	return strings.Join(v, ", ")
}

func recoveryJSON(r *issuer.Recovery) map[string]any {
	offers := []map[string]any{}
	for _, o := range r.Offers {
		m := map[string]any{"type": o.Type, "offer_uri": o.URI, "tx_code": o.TxCode, "expires": o.Expires}
		if o.ValidFrom != nil {
			m["valid_from"] = o.ValidFrom.Format(time.RFC3339)
		}
		if o.ValidUntil != nil {
			m["valid_until"] = o.ValidUntil.Format(time.RFC3339)
		}
		offers = append(offers, m)
	}
	paper := []map[string]any{}
	for _, p := range r.Paper {
		paper = append(paper, map[string]any{"id": p.ID, "type": p.Type, "qr": string(p.Credential), "status_index": p.StatusIndex,
			"valid_from": p.ValidFrom.Format(time.RFC3339), "valid_until": p.ValidUntil.Format(time.RFC3339)})
	}
	return map[string]any{"recovery": r.ID, "revoked": orEmpty(r.Revoked), "offers": offers, "paper": paper,
		"withdrawn_offers": orEmpty(r.Withdrawn), "expired_not_replaced": orEmpty(r.Expired)}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
