package demo

import (
	"context"
	"encoding/json"
	"fmt"

	"parkd/internal/dialect/linkc"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/system"
)

// The Brazilian demo: a sandbox garage for the Linkc API, so the README's
// lookup and payment work with no set-up.
const (
	BRLotCode  = "sp-centro"
	BRPartner  = "demo-app"
	BRUser     = "demo"
	BRPassword = "demo-senha"
	BRTariff   = `{"grace_minutes": 15, "first": {"minutes": 60, "price": 1500}, "every": {"minutes": 60, "price": 500}, "daily_cap": 5000, "daily_cap_window": "rolling", "classes": {"motorcycle": {"first": {"minutes": 60, "price": 700}, "every": {"minutes": 60, "price": 300}, "daily_cap": 2500}}}`
)

// loadBrazil creates what is missing of the sandbox garage (America/Sao_Paulo,
// BRL, tolerância 15 min · 1ª hora R$ 15,00 · hora adicional R$ 5,00 ·
// diária R$ 50,00), its partner and the integrator user demo / demo-senha.
func loadBrazil(ctx context.Context, svc *system.System) error {
	if _, err := svc.Gate.GetLot(ctx, BRLotCode); park.IsCode(err, park.ENotFound) {
		if _, err := svc.Gate.CreateLot(ctx, &park.Lot{
			Code: BRLotCode, Name: "Estacionamento Demo Centro (sandbox)", TimeZone: "America/Sao_Paulo", Currency: "BRL",
			Capacity: 300, ExitGraceMinutes: 15, QuoteTTLSeconds: 300, MissedEntry: park.MissedEntryHold,
			Sandbox: true, Tariff: json.RawMessage(BRTariff),
		}); err != nil {
			return fmt.Errorf("brazilian lot: %w", err)
		}
	} else if err != nil {
		return err
	}
	if _, err := svc.Partners.GetPartner(ctx, BRPartner); park.IsCode(err, park.ENotFound) {
		if _, err := svc.Partners.CreatePartner(ctx, &park.Partner{
			ID: BRPartner, Name: "App de Pagamento Demo", Dialect: linkc.Name, Type: park.PartnerNormal,
			Lots: []string{BRLotCode},
		}); err != nil {
			return fmt.Errorf("partner: %w", err)
		}
	} else if err != nil {
		return err
	}
	if _, err := svc.Partners.GetIntegrator(ctx, BRUser); park.IsCode(err, park.ENotFound) {
		if _, err := svc.Partners.CreateIntegrator(ctx, partners.IntegratorInput{
			Username: BRUser, Password: BRPassword, Partners: []string{BRPartner}, DefaultPartner: BRPartner,
		}); err != nil {
			return fmt.Errorf("integrator: %w", err)
		}
	} else if err != nil {
		return err
	}
	return nil
}
