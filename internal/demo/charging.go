package demo

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"parkd/internal/charging"
	"parkd/internal/dialect/lvcchong"
	"parkd/internal/ocpp/ocppsim"
	"parkd/internal/park"
	"parkd/internal/system"
)

// The demo charging app (an lvcchong partner) and chargers: a 10-port
// two-wheeler cabinet on the seed's standard and a two-connector car pile
// on a peak/flat/valley standard, run by simulated charge points so that
// the open API's charge works end to end (docs/charging.md).
const (
	ChargeApp       = "demo"
	ChargeAppSecret = "demo-secret"
	Cabinet         = "CAB-DEMO-01"
	CarPile         = "PILE-DEMO-01"
	ChargerPassword = "demo-charger-password"
)

// SeedStandard is the seed's getPriceStandard example, list[0].
const SeedStandard = `{"chargeType":0,"createUserId":2260,"deviceAssociateCount":0,"deviceFamily":0,"deviceType":"null",` +
	`"fullBlackout":0,"fullPrice":0,"fullPriceYuan":0,"id":19464,"limitMoney":0,"maxTime":960,"minimumCharge":0,` +
	`"minimumMoney":0,"name":"固定金额-1元240分钟","ownerId":0,"peakPlainValley":0,"powerType":0,"priceStandardTbody":[` +
	`{"endTime":57599000,"id":3113,"price":100,"priceStandardId":19464,"priceUnit":"yuan","priceYuan":1,` +
	`"startTime":-28800000,"time":240,"timeUnit":"min"}],"realTimeCharge":1,"refundType":1,"remark":"","type":0,"viewType":1}`

// carStandard: valley 23:00-07:00 at 0.30 + 0.40 yuan/kWh, flat the rest
// at 0.60 + 0.40, from a balance.
var carStandard = charging.StandardInput{ID: 19465, Name: "峰平谷-新能源汽车", Family: park.FamilyCar,
	Rules: park.ChargeRules{Kind: "energy", Payment: "balance", RefundTo: "balance", Segments: []park.ChargeSegment{
		{From: "23:00", To: "07:00", Price: 30, ServiceFee: 40, Period: "valley"},
		{From: "07:00", To: "23:00", Price: 60, ServiceFee: 40, Period: "flat"},
	}}}

func loadCharging(ctx context.Context, svc *system.System) error {
	if _, err := svc.Partners.GetPartner(ctx, ChargeApp); park.IsCode(err, park.ENotFound) {
		if _, err := svc.Partners.CreateDemoPartner(ctx, &park.Partner{ID: ChargeApp, Name: "驴充充演示应用", Dialect: lvcchong.Name,
			Type: park.PartnerNormal, Secret: ChargeAppSecret, SignMode: lvcchong.SignToken, Lots: []string{LotCode}}); err != nil {
			return fmt.Errorf("charging app: %w", err)
		}
	} else if err != nil {
		return err
	}
	seed, err := lvcchong.Import([]byte(SeedStandard))
	if err != nil {
		return fmt.Errorf("seed standard: %w", err)
	}
	for _, in := range []charging.StandardInput{seed, carStandard} {
		if _, err := svc.Charging.StandardByID(ctx, in.ID); park.IsCode(err, park.ENotFound) {
			if _, err := svc.Charging.CreateStandard(ctx, in); err != nil {
				return fmt.Errorf("standard %d: %w", in.ID, err)
			}
		} else if err != nil {
			return err
		}
	}
	for _, c := range []charging.ChargerInput{
		{ID: Cabinet, LotCode: LotCode, Family: park.FamilyTwoWheeler, Type: "cabinet-10", Connectors: 10, StandardID: seed.ID, Password: ChargerPassword},
		{ID: CarPile, LotCode: LotCode, Family: park.FamilyCar, Type: "ac-7kw", Connectors: 2, StandardID: carStandard.ID, Password: ChargerPassword},
	} {
		if _, err := svc.Charging.Charger(ctx, c.ID); park.IsCode(err, park.ENotFound) {
			if _, err := svc.Charging.RegisterCharger(ctx, c); err != nil {
				return fmt.Errorf("charger %s: %w", c.ID, err)
			}
		} else if err != nil {
			return err
		}
	}
	return nil
}

// RunChargers connects the demo's simulated charge points to the central
// system at base (ws://host:port) and keeps them charging what they are
// asked to: a meter value every 30 s per open session (200 W on the
// cabinet, 7 kW on the pile). It returns when ctx ends.
func RunChargers(ctx context.Context, svc *system.System, base string, log *slog.Logger) {
	for _, c := range []struct {
		id    string
		power int64
	}{{Cabinet, 200}, {CarPile, 7000}} {
		go runCharger(ctx, svc, base, c.id, c.power, log)
	}
}

func runCharger(ctx context.Context, svc *system.System, base, id string, powerW int64, log *slog.Logger) {
	for ctx.Err() == nil {
		p, err := ocppsim.Dial(ctx, base, id, ChargerPassword)
		if err == nil {
			p.SetAutoStart(true)
			if _, err = p.Boot(ctx); err == nil {
				err = drive(ctx, svc, p, powerW)
			}
			p.Close()
		}
		if ctx.Err() == nil {
			log.Warn("demo charger disconnected; reconnecting", "charger", id, "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(5 * time.Second):
			}
		}
	}
}

// drive sends heartbeats and meter values until the connection or ctx ends.
func drive(ctx context.Context, svc *system.System, p *ocppsim.Point, powerW int64) error {
	const every = 30 * time.Second
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := p.Heartbeat(ctx); err != nil {
			return err
		}
		page, err := svc.Charging.Sessions(ctx, park.ChargeSessionFilter{ChargerID: p.ID, Status: park.SessionCharging, Limit: 100}, 0)
		if err != nil {
			continue
		}
		for _, s := range page.Sessions {
			reg := p.Register.Add(powerW * int64(every/time.Second) / 3600)
			if err := p.Meter(ctx, s.Connector, s.TransactionID, ocppsim.Sample{At: time.Now(), EnergyWh: reg, PowerW: powerW}); err != nil {
				return err
			}
		}
	}
}
