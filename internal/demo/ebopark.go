package demo

import (
	"context"
	"fmt"

	"parkd/internal/dialect/ebopark"
	"parkd/internal/park"
	"parkd/internal/system"
)

// The Ebopark demo partner: the vendor's test credentials, so the seed's
// curl example (partnerid=test&sign=ebo2019) runs verbatim against a local
// parkd. sign_mode "static" accepts sign equal to the secret.
const (
	EboPartner = "test"
	EboSecret  = "ebo2019"
)

// loadEbopark creates the demo Ebopark partner for LotCode if it is missing.
func loadEbopark(ctx context.Context, svc *system.System) error {
	if _, err := svc.Partners.GetPartner(ctx, EboPartner); park.IsCode(err, park.ENotFound) {
		// The vendor's test secret is shorter than a real partner's may be:
		// the demo-only path takes it.
		if _, err := svc.Partners.CreateDemoPartner(ctx, &park.Partner{
			ID: EboPartner, Name: "宜泊测试合作商", Dialect: ebopark.Name, Type: park.PartnerNormal,
			Secret: EboSecret, SignMode: "static", Lots: []string{LotCode},
		}); err != nil {
			return fmt.Errorf("ebopark partner: %w", err)
		}
	} else if err != nil {
		return err
	}
	return nil
}
