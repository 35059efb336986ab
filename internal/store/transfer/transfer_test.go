package transfer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"parkd/internal/access"
	"parkd/internal/billing"
	"parkd/internal/device"
	"parkd/internal/gate"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/spaces"
	"parkd/internal/store/postgres"
	"parkd/internal/store/postgres/pgtest"
	"parkd/internal/store/sqlite"
	"parkd/internal/store/storetest"
	"parkd/internal/system"
	"parkd/internal/systemtest"
)

// t0 is 2026-11-23 09:00 in Shanghai.
var t0 = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

const lot = "140123001"

// fill returns a SQLite store with rows in every table, written through
// the service as parkd itself would write them.
func fill(t *testing.T) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := t0.Add(-time.Hour)
	svc := system.New(system.Config{Dialects: systemtest.Dialects, Barriers: device.NewMemory(), Store: st, Now: func() time.Time { return now }})
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	event := func(id, typ, plate string) park.Decision {
		t.Helper()
		lane := "in-1"
		if typ == park.EventExit {
			lane = "out-1"
		}
		d, err := svc.Gate.HandleEvent(ctx, gate.EventInput{LotCode: lot, ID: id, Type: typ, Plate: plate, Lane: lane, At: now,
			ImageURL: "https://cam.example/" + id + ".jpg", PlateColor: "blue"})
		if err != nil {
			t.Fatalf("%s %s: %v", typ, plate, err)
		}
		return d
	}

	must(svc.Gate.CreateLot(ctx, &park.Lot{Code: lot, Name: "Test 测试", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: 10, ExitGraceMinutes: 15, MissedEntry: park.MissedEntryHold, Sandbox: true,
		Tariff: json.RawMessage(`{"grace_minutes":15,"every":{"minutes":30,"price":200}}`)}))
	must(svc.Access.CreatePass(ctx, "", lot, &park.Pass{HolderName: "张三", Mobile: "13800000000", Plan: "monthly",
		Plates: []string{"京B11111", "京B22222"}, Spaces: 1, ValidFrom: t0.Add(-24 * time.Hour), ValidTo: t0.AddDate(0, 1, 0)}))
	must(svc.Access.CreateWhitelist(ctx, lot, &park.WhitelistEntry{Plate: "京C33333", Kind: park.AccessAllow, Reason: "police",
		ValidFrom: t0.Add(-24 * time.Hour), ValidTo: t0.AddDate(1, 0, 0)}))

	now = t0
	visitor := event("ev-1", park.EventEntry, "京A12345")
	event("ev-2", park.EventEntry, "京B11111") // on the pass
	event("ev-3", park.EventEntry, "京C33333") // whitelisted
	event("ev-4", park.EventEntry, "京D44444")

	// Two coupons for the visitor: the payment below uses both.
	must(svc.Billing.IssueCoupon(ctx, billing.CouponInput{LotCode: lot, ID: "cp-1", Plate: "京A12345", Kind: park.CouponMinutes, Value: 30, Merchant: "咖啡店"}))
	must(svc.Billing.IssueCoupon(ctx, billing.CouponInput{LotCode: lot, ID: "cp-2", Plate: "京A12345", Kind: park.CouponAmount, Value: 1}))

	now = t0.Add(62 * time.Minute)
	q, err := svc.Billing.CreateQuote(ctx, visitor.StayID, "")
	if err != nil {
		t.Fatal(err)
	}
	must(svc.Billing.Pay(ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "wechat",
		Reference: "wx-0001", IdempotencyKey: "k1"}))
	now = t0.Add(65 * time.Minute)
	event("ev-5", park.EventExit, "京A12345")

	now = t0.Add(70 * time.Minute)
	again := event("ev-6", park.EventEntry, "京D44444") // its exit was missed: an anomaly
	now = t0.Add(2 * time.Hour)
	must(svc.Billing.CreateQuote(ctx, again.StayID, "")) // left unpaid
	event("ev-7", park.EventExit, "京E55555")             // never entered: an anomaly
	event("ev-8", park.EventExit, "京C33333")
	// A car whose plate was not read passed while the lane was offline:
	// an anomaly with its picture.
	must(svc.Gate.KeepPlateless(ctx, gate.EventInput{LotCode: lot, ID: "ev-p1", Type: park.EventEntry, Lane: "in-1",
		At: now.Add(-time.Minute), Passed: true, ImageURL: "/v1/images/img-p1"}))

	// A partner (its Linkc user below); a car it reserved, inside on a
	// terminated order, and a lane held open.
	must(svc.Partners.CreatePartner(ctx, &park.Partner{ID: "app", Name: "App", Dialect: "api-one", Type: park.PartnerNormal,
		Secret: "s", SignMode: "md5", Lots: []string{lot}}))
	if _, _, err := svc.Access.SyncReservation(ctx, access.ReservationInput{PartnerID: "app", LotCode: lot, OrderNo: "SO-1",
		Kind: park.ReservationShared, Plate: "京F66666", Mobile: "13900000000", UserName: "王五", From: now,
		To: now.Add(2 * time.Hour), Prepaid: 1500, MayEnter: true}); err != nil {
		t.Fatal(err)
	}
	event("ev-9", park.EventEntry, "京F66666")
	must(svc.Access.TerminateReservation(ctx, "app", lot, "SO-1"))
	must(svc.Gate.SendGateCommand(ctx, gate.GateCommandInput{LotCode: lot, Lane: "in-1", Command: park.GateHoldOpen, By: "app", Reason: "peak"}))

	// A Linkc partner's integrator user and two tokens, one revoked.
	must(svc.Partners.CreateIntegrator(ctx, partners.IntegratorInput{Username: "ana", Password: "senha-forte", Partners: []string{"app"}}))
	for range 2 {
		if _, _, err := svc.Partners.Login(ctx, partners.SignIn{Username: "ana", Password: "senha-forte"}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	must(svc.Partners.RevokeTokens(ctx, "ana"))
	must(svc.Gate.LockCar(ctx, "", lot, "京D44444", "app")) // a locked car
	// A night plan, a time-slot pass on it, and a paid renewal.
	must(svc.Access.CreatePlan(ctx, lot, &park.Plan{Code: "night", Name: "夜间月租", Price: 15000,
		Slots: []park.Slot{{From: "19:00", To: "08:00"}}}))
	must(svc.Access.CreatePass(ctx, "", lot, &park.Pass{HolderName: "王芳", Plan: "night", Plates: []string{"京N12345"},
		ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)}))
	r, _, err := svc.Access.QuoteRenewal(ctx, access.RenewalInput{Lot: lot, Pass: access.PassRef{Plate: "京N12345"}, Months: 2})
	must(r, err)
	must(svc.Access.PayRenewal(ctx, access.RenewalPayment{Lot: lot, ID: r.ID, Amount: r.Amount, Payer: "app", Reference: "wx-r1", Method: "WX"}))
	// The first pass renewed onto the night plan while it runs: its paid
	// month keeps the monthly plan's terms (pass_terms).
	r, _, err = svc.Access.QuoteRenewal(ctx, access.RenewalInput{Lot: lot, Pass: access.PassRef{Plate: "京B11111"}, Months: 1, Plan: "night"})
	must(r, err)
	must(svc.Access.PayRenewal(ctx, access.RenewalPayment{Lot: lot, ID: r.ID, Amount: r.Amount, Payer: "app", Reference: "wx-r2", Method: "WX"}))
	must(svc.Spaces.ReplaceSpaces(ctx, lot, []*park.Space{{Code: "B1-001", Floor: "B1", Zone: "A", Kind: "ev"}, {Code: "B1-002", Floor: "B1"}}))
	must(svc.Spaces.ReportSpaces(ctx, lot, []spaces.SpaceReport{{Space: "B1-001", Occupied: true, Plate: "京D44444", At: now}}))
	if _, _, err := svc.Partners.Login(ctx, partners.SignIn{Username: "ana", Password: "senha-forte"}); err != nil {
		t.Fatal(err)
	}
	fillReports(t, st, now)
	fillChargingAndRental(t, st, now)
	// The console: an operator (and its audit entry) and a session.
	must(svc.Operators.Add(ctx, "test", operators.NewOperator{Name: "ana", Role: park.RoleLotOperator, Lots: []string{lot},
		Language: "pt", Password: "a password long enough"}))
	_, sess, err := svc.Operators.SignIn(ctx, operators.SignIn{Name: "ana", Password: "a password long enough"})
	must(sess, err)
	must(nil, st.Update(ctx, func(tx park.Tx) error { return tx.RevokeSession(ctx, sess.Hash, now) }))
	return st
}

// fillChargingAndRental adds a charger, a price standard and a session,
// and a rental store with its model, terms, rule, vehicle, channel and order,
// through the store, so their tables have rows to copy.
func fillChargingAndRental(t *testing.T, st park.Store, now time.Time) {
	t.Helper()
	ctx := context.Background()
	err := st.Update(ctx, func(tx park.Tx) error {
		if err := tx.CreateCharger(ctx, &park.Charger{ID: "CP-1", LotCode: lot, Family: park.FamilyCar, Connectors: 2,
			CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		ps := &park.PriceStandard{ID: 19464, Name: "固定金额-1元240分钟", Display: "time", CreatedAt: now, UpdatedAt: now}
		if err := tx.CreatePriceStandard(ctx, ps); err != nil {
			return err
		}
		ps.Remark = "edited" // keeps version 1
		if err := tx.UpdatePriceStandard(ctx, ps); err != nil {
			return err
		}
		if err := tx.InsertChargeSession(ctx, &park.ChargeSession{ID: "S1", ChargerID: "CP-1", Connector: 1, LotCode: lot,
			StandardID: 19464, Status: park.SessionPending, Source: park.SourcePartner, PartnerID: "app", Prepaid: 300,
			Readings:  []park.MeterReading{{At: now.Add(time.Minute), EnergyWh: 120, PowerW: 7000}},
			CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		exp := now.Add(24 * time.Hour)
		if err := tx.CreateIDTag(ctx, &park.IDTag{LotCode: lot, Tag: "04A1B2C3", Plate: "粤B12345", PlateKey: "粤B12345",
			ExpiresAt: &exp, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		if err := tx.InsertChargerCommand(ctx, &park.ChargerCommand{ID: "cmd-1", ChargerID: "CP-1", Action: "Reset",
			Payload: []byte(`{"type":"Soft"}`), Status: park.CommandDone, Result: "Accepted", CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		if err := tx.InsertDeviceCommand(ctx, &park.DeviceCommand{ID: "dcmd-1", Serial: "CAM-1", Command: park.GateOpen,
			Payload: []byte(`{"voice":"hi"}`), Status: park.DeviceCommandTaken, ExpiresAt: now.Add(3 * time.Second), CreatedAt: now,
			UpdatedAt: now}); err != nil {
			return err
		}
		if err := tx.SaveRentalStore(ctx, &park.RentalStore{Code: "10001", CompanyCode: "122", Kind: park.RentalStoreKind,
			Name: "门店", City: "330100", Active: true, LotCode: lot, UpdatedAt: now}); err != nil {
			return err
		}
		if err := tx.SaveVehicleModel(ctx, &park.VehicleModel{Code: "100001", Name: "Model", Seats: 5, UpdatedAt: now}); err != nil {
			return err
		}
		if err := tx.SaveStoreModel(ctx, &park.StoreModel{StoreCode: "10001", ModelCode: "100001", MileageLimited: true,
			MileageLimit: 300, UpdatedAt: now}); err != nil {
			return err
		}
		if err := tx.SaveStoreRule(ctx, &park.StoreRule{StoreCode: "10001", CrossCity: true, BannedCities: []string{"110100"},
			Invoice: true, MinDays: 2, FreeCancelHours: 24, UpdatedAt: now}); err != nil {
			return err
		}
		if err := tx.SaveRentalVehicle(ctx, &park.RentalVehicle{Plate: "浙A12345", PlateKey: "浙A12345", VIN: "LSVAU2180N2123456",
			StoreCode: "10001", ModelCode: "100001", Mileage: 12000, UpdatedAt: now}); err != nil {
			return err
		}
		if err := tx.SaveRentalChannel(ctx, &park.RentalChannel{ID: "app", Name: "channel", Dialect: "native", Secret: "s",
			SignMethod: "md5", GatewayURL: "https://gw.example/router/rest", Stores: []string{"10001"}, CreatedAt: now,
			UpdatedAt: now}); err != nil {
			return err
		}
		return tx.SaveRentalOrder(ctx, &park.RentalOrder{ID: "o1", ChannelID: "app", ChannelOrderID: "F1", StoreCode: "10001",
			ModelCode: "100001", Plate: "浙A12345", PlateKey: "浙A12345", PickupAt: now.Add(time.Hour),
			ReturnAt: now.Add(25 * time.Hour), Days: 1, Rent: 100, Status: park.OrderAwaitingPickup, CreatedAt: now, UpdatedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fillReports adds partner reports. No subsystem writes them yet, so they
// go through the store: a subscription with its own schedule and a
// disabled, paused one, and deliveries delivered, being sent (and
// replayed meanwhile) and pending, so every nullable time is both set and
// NULL somewhere, and every flag both true and false.
func fillReports(t *testing.T, st park.Store, now time.Time) {
	t.Helper()
	ctx := context.Background()
	err := st.Update(ctx, func(tx park.Tx) error {
		for _, s := range []*park.Subscription{
			{ID: "app-entry", PartnerID: "app", Report: park.ReportEntry, URL: "https://app.example/hooks", Format: park.FormatNative,
				Enabled: true, Secret: "whsec_c2VjcmV0", Previous: "whsec_b2xk", RateLimit: 10, Concurrency: 2,
				Timeout: 5 * time.Second, Schedule: []time.Duration{0, 5 * time.Second, time.Hour}, CreatedAt: now, UpdatedAt: now},
			{ID: "app-exit", PartnerID: "app", Report: park.ReportExit, URL: "https://app.example/exits", Format: "api-one",
				DisabledBy: "410 Gone", CreatedAt: now, UpdatedAt: now},
		} {
			if err := tx.CreateSubscription(ctx, s); err != nil {
				return err
			}
		}
		// A partner's pause (its Retry-After), carried so the new store
		// holds the subscription as the old did; app-entry's stays NULL.
		if err := tx.PauseSubscription(ctx, "app-exit", "https://app.example/exits", now.Add(2*time.Minute)); err != nil {
			return err
		}
		// The slots of its rate that claims used (every node's limit);
		// app-exit's stays NULL.
		if err := tx.UseSlots(ctx, "app-entry", now.Add(time.Second)); err != nil {
			return err
		}
		if err := tx.PutEnrolment(ctx, &park.Enrolment{PartnerID: "app", Plate: "京B22222", PlateKey: "京B22222", CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.CreateDevice(ctx, &park.Device{Serial: "cam-1", LotCode: lot, Lane: "in-1", Kind: park.DeviceCamera,
			Protocol: "p-http", Direction: park.DirectionIn, Password: "pw", Online: true, SeenAt: &now, Since: now, CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.PutImage(ctx, &park.Image{ID: "im-1", LotCode: lot, EventID: "e1", ContentType: "image/jpeg",
			Data: []byte{0xff, 0xd8, 0x00, 0xff, 0xd9}, CreatedAt: now}); err != nil {
			return err
		}
		if _, err := tx.MarkSeen(ctx, "app", "nonce:n-1", now, now.Add(-5*time.Minute)); err != nil {
			return err
		}
		for i, r := range []*park.Report{
			{ID: "rep-1", Kind: park.ReportEntry, LotCode: lot, Key: park.StayKey("a"), At: now,
				Data: json.RawMessage(`{"stay": {"plate":"京A12345"},  "unpaid": 1.50}`)},
			{ID: "rep-2", Kind: park.ReportEntry, LotCode: lot, Key: park.StayKey("b"), At: now.Add(time.Second), Data: json.RawMessage(`{}`)},
			{ID: "rep-3", Kind: park.ReportExit, LotCode: lot, Key: park.StayKey("a"), At: now.Add(2 * time.Second), Data: json.RawMessage(`[]`)},
		} {
			if n, err := tx.Enqueue(ctx, r); err != nil || n != 1 {
				return fmt.Errorf("report %d: %d deliveries, %v", i, n, err)
			}
		}
		ds, err := storetest.ClaimDue(ctx, tx, now.Add(time.Minute), now.Add(2*time.Minute), 2, nil)
		if err != nil || len(ds) != 2 {
			return fmt.Errorf("claimed %d, %v", len(ds), err)
		}
		sent := now.Add(time.Minute)
		ds[0].State, ds[0].Attempts, ds[0].LastAttemptAt, ds[0].LastStatus, ds[0].LastReply, ds[0].DeliveredAt =
			park.DeliveryDelivered, 1, &sent, 200, "ok", &sent
		if _, err = tx.FinishDeliveries(ctx, ds[:1]); err != nil {
			return err
		}
		// The one being sent replayed meanwhile (replayed; the others not).
		if n, err := tx.RedeliverReport(ctx, ds[1].ReportID, "", now.Add(90*time.Second)); err != nil || n != 1 {
			return fmt.Errorf("replayed %d, %v", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func openTarget(t *testing.T, url, schema string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, postgres.Options{Schema: schema, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// targetSums checksums every table of the target as it is now.
func targetSums(t *testing.T, dst *postgres.Store) []TableReport {
	t.Helper()
	var out []TableReport
	for _, tb := range tables {
		sum, err := postgresSum(context.Background(), dst.Pool(), tb)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, TableReport{Table: tb.name, Rows: sum.rows, Checksum: sum.sum()})
	}
	return out
}

func TestCopy(t *testing.T) {
	t.Parallel()
	url, schema := pgtest.Schema(t)
	ctx := context.Background()
	src := fill(t)
	dst := openTarget(t, url, schema)
	rep, err := Copy(ctx, src.ReadDB(), dst.Pool(), nil)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Counts", func(t *testing.T) {
		if len(rep.Tables) != len(tables) {
			t.Fatalf("report has %d tables, want %d", len(rep.Tables), len(tables))
		}
		for i, tr := range rep.Tables {
			var n int64
			if err := src.ReadDB().QueryRowContext(ctx, "SELECT count(*) FROM "+quote(tables[i].name)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if tr.Table != tables[i].name || tr.Rows != n || n == 0 {
				t.Errorf("report %s: %d rows; SQLite table %s has %d (every table should have rows)", tr.Table, tr.Rows, tables[i].name, n)
			}
		}
		if got := targetSums(t, dst); !reflect.DeepEqual(got, rep.Tables) {
			t.Errorf("committed target %v, report %v", got, rep.Tables)
		}
	})

	t.Run("SameThroughStore", func(t *testing.T) {
		ids := func(query string) [][2]string {
			rows, err := src.ReadDB().QueryContext(ctx, query)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out [][2]string
			for rows.Next() {
				var a, b string
				if err := rows.Scan(&a, &b); err != nil {
					t.Fatal(err)
				}
				out = append(out, [2]string{a, b})
			}
			return out
		}
		// read gives what fn finds in each store.
		read := func(fn func(park.Tx) (any, error)) (fromSQLite, fromPostgres any) {
			t.Helper()
			for i, s := range []park.Store{src, dst} {
				err := s.View(ctx, func(tx park.Tx) error {
					v, err := fn(tx)
					if i == 0 {
						fromSQLite = v
					} else {
						fromPostgres = v
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			return fromSQLite, fromPostgres
		}
		same := func(what string, fn func(park.Tx) (any, error)) {
			t.Helper()
			a, b := read(fn)
			if !reflect.DeepEqual(a, b) {
				ja, _ := json.Marshal(a)
				jb, _ := json.Marshal(b)
				t.Errorf("%s differs:\nSQLite     %s\nPostgreSQL %s", what, ja, jb)
			}
		}
		same("lots", func(tx park.Tx) (any, error) { return tx.ListLots(ctx) })
		same("lot", func(tx park.Tx) (any, error) { return tx.GetLot(ctx, lot) })
		for _, k := range ids("SELECT lot_code, id FROM lanes") {
			same("lane "+k[1], func(tx park.Tx) (any, error) { return tx.GetLane(ctx, k[0], k[1]) })
		}
		for _, k := range ids("SELECT id, '' FROM stays") {
			same("stay "+k[0], func(tx park.Tx) (any, error) { return tx.GetStay(ctx, k[0]) })
		}
		same("stays", func(tx park.Tx) (any, error) { return tx.ListStays(ctx, park.StayFilter{LotCode: lot, Limit: 100}) })
		for _, k := range ids("SELECT lot_code, id FROM events") {
			same("event "+k[1], func(tx park.Tx) (any, error) { return tx.GetEvent(ctx, k[0], k[1]) })
		}
		same("anomalies", func(tx park.Tx) (any, error) {
			return tx.ListAnomalies(ctx, park.AnomalyFilter{LotCode: lot, Limit: 100})
		})
		for _, k := range ids("SELECT id, '' FROM quotes") {
			same("quote "+k[0], func(tx park.Tx) (any, error) { return tx.GetQuote(ctx, k[0]) })
		}
		for _, k := range ids("SELECT id, quote_id FROM payments") {
			same("payment "+k[0], func(tx park.Tx) (any, error) { return tx.GetPayment(ctx, k[0]) })
			same("payment of quote "+k[1], func(tx park.Tx) (any, error) { return tx.GetPaymentByQuote(ctx, k[1]) })
		}
		same("payment by key", func(tx park.Tx) (any, error) { return tx.GetPaymentByKey(ctx, "k1") })
		same("payment by reference", func(tx park.Tx) (any, error) { return tx.GetPaymentByReference(ctx, "", "wx-0001") })
		// Every fixture pass was made by a create, which keeps what it
		// asked for: GetPass below then shows it was carried over.
		if n := len(ids("SELECT id, '' FROM passes WHERE created_as = ''")); n != 0 {
			t.Errorf("%d fixture passes without created_as: the copy of the column is not shown", n)
		}
		if n := len(ids("SELECT id, '' FROM passes WHERE created_key = ''")); n != 0 {
			t.Errorf("%d fixture passes without created_key: the copy of the column is not shown", n)
		}
		for _, k := range ids("SELECT id, '' FROM passes") {
			same("pass "+k[0], func(tx park.Tx) (any, error) { return tx.GetPass(ctx, k[0]) })
		}
		for _, k := range ids("SELECT lot_code, created_key FROM passes") {
			same("pass by created key "+k[1], func(tx park.Tx) (any, error) { return tx.FindPassByCreatedKey(ctx, k[0], k[1]) })
		}
		same("pass by plate", func(tx park.Tx) (any, error) { return tx.FindPassByPlate(ctx, lot, "京B22222") })
		same("subscriptions", func(tx park.Tx) (any, error) { return tx.ListSubscriptions(ctx, "") })
		same("enrolments", func(tx park.Tx) (any, error) { return tx.ListEnrolments(ctx, "app") })
		same("devices", func(tx park.Tx) (any, error) { return tx.ListDevices(ctx, "") })
		same("image", func(tx park.Tx) (any, error) { return tx.GetImage(ctx, "im-1") })
		for _, k := range ids("SELECT id, '' FROM reports") {
			same("report "+k[0], func(tx park.Tx) (any, error) { return tx.GetReport(ctx, k[0]) })
		}
		same("deliveries", func(tx park.Tx) (any, error) { return tx.ListDeliveries(ctx, park.DeliveryFilter{}) })
		same("operators", func(tx park.Tx) (any, error) { return tx.ListOperators(ctx) })
		same("chargers", func(tx park.Tx) (any, error) { return tx.ListChargers(ctx, "") })
		same("price standard", func(tx park.Tx) (any, error) { return tx.GetPriceStandard(ctx, 19464) })
		same("price standard's first version", func(tx park.Tx) (any, error) { return tx.GetPriceStandardVersion(ctx, 19464, 1) })
		same("charge session", func(tx park.Tx) (any, error) { return tx.GetChargeSession(ctx, "S1") })
		same("id tag", func(tx park.Tx) (any, error) { return tx.GetIDTag(ctx, lot, "04A1B2C3") })
		same("charger command", func(tx park.Tx) (any, error) { return tx.GetChargerCommand(ctx, "cmd-1") })
		same("device command", func(tx park.Tx) (any, error) { return tx.GetDeviceCommand(ctx, "dcmd-1") })
		same("rental stores", func(tx park.Tx) (any, error) { return tx.ListRentalStores(ctx) })
		same("store models", func(tx park.Tx) (any, error) { return tx.ListStoreModels(ctx, "10001") })
		same("store rule", func(tx park.Tx) (any, error) { return tx.GetStoreRule(ctx, "10001") })
		same("rental vehicles", func(tx park.Tx) (any, error) { return tx.ListRentalVehicles(ctx, "10001") })
		same("rental channels", func(tx park.Tx) (any, error) { return tx.ListRentalChannels(ctx) })
		same("rental order", func(tx park.Tx) (any, error) { return tx.GetRentalOrder(ctx, "o1") })
		same("audit log", func(tx park.Tx) (any, error) { return tx.ListAudit(ctx, park.AuditFilter{Limit: 100}) })
		for _, k := range ids("SELECT hash, '' FROM sessions") {
			same("session "+k[0], func(tx park.Tx) (any, error) { return tx.GetSession(ctx, k[0]) })
		}
		same("delivery counts", func(tx park.Tx) (any, error) { return tx.CountDeliveries(ctx) })
		for _, k := range ids("SELECT id, '' FROM whitelist") {
			same("whitelist entry "+k[0], func(tx park.Tx) (any, error) { return tx.GetWhitelist(ctx, k[0]) })
		}

		// Spot checks that the comparison compares something.
		var q *park.Quote
		var p *park.Pass
		err := dst.View(ctx, func(tx park.Tx) (err error) {
			for _, k := range ids("SELECT id, '' FROM quotes") {
				if q, err = tx.GetQuote(ctx, k[0]); err != nil {
					return err
				}
			}
			p, err = tx.FindPassByPlate(ctx, lot, "京B22222")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(q.Lines) == 0 || len(p.Plates) != 2 {
			t.Errorf("quote lines %v, pass plates %v: want lines and two plates", q.Lines, p.Plates)
		}
	})

	// Reports and deliveries copied with their numbers; the next ones
	// PostgreSQL numbers come after them.
	t.Run("NumberingContinues", func(t *testing.T) {
		var maxReport, maxDelivery int64
		if err := src.ReadDB().QueryRowContext(ctx, "SELECT (SELECT max(seq) FROM reports), (SELECT max(seq) FROM deliveries)").
			Scan(&maxReport, &maxDelivery); err != nil {
			t.Fatal(err)
		}
		r := &park.Report{ID: "rep-after", Kind: park.ReportEntry, LotCode: lot, Key: park.StayKey("c"), At: t0, Data: json.RawMessage(`{}`)}
		var ds []*park.Delivery
		err := dst.Update(ctx, func(tx park.Tx) (err error) {
			if _, err = tx.Enqueue(ctx, r); err != nil {
				return err
			}
			ds, err = tx.ListDeliveries(ctx, park.DeliveryFilter{Limit: 1})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if r.Seq <= maxReport || len(ds) != 1 || ds[0].ReportID != "rep-after" || ds[0].Seq <= maxDelivery {
			t.Fatalf("after the copy: report seq %d (copied up to %d), deliveries %+v (copied up to %d)", r.Seq, maxReport, ds, maxDelivery)
		}
	})

	t.Run("SecondCopyRefused", func(t *testing.T) {
		before := targetSums(t, dst)
		_, err := Copy(ctx, src.ReadDB(), dst.Pool(), nil)
		if !errors.Is(err, ErrTargetNotEmpty) || !strings.Contains(err.Error(), "lots") {
			t.Fatalf("got %v, want ErrTargetNotEmpty naming lots", err)
		}
		if after := targetSums(t, dst); !reflect.DeepEqual(before, after) {
			t.Fatalf("a refused copy changed the target:\nbefore %v\nafter  %v", before, after)
		}
	})
}

// TestCopyDetectsTampering changes the target between the copy and its
// verification, as a faulty conversion would, and expects the table to be
// named and nothing committed.
func TestCopyDetectsTampering(t *testing.T) {
	t.Parallel()
	pgtest.URL(t)
	src := fill(t)
	for _, c := range []struct {
		table, sql string
	}{
		{"lots", `UPDATE lots SET sandbox = NOT sandbox`},
		{"lanes", `INSERT INTO lanes SELECT lot_code, 'ghost', direction, created_at FROM lanes LIMIT 1`},
		{"stays", `UPDATE stays SET paid = paid + 1 WHERE id = (SELECT min(id) FROM stays)`},
		{"stays", `UPDATE stays SET exit_at = NULL WHERE exit_at IS NOT NULL`},
		{"events", `UPDATE events SET decision = decision || '{"reason":"other"}'`},
		{"quotes", `UPDATE quotes SET lines = lines || '[{"label":"extra"}]'`},
		{"payments", `UPDATE payments SET paid_at = paid_at + interval '1 microsecond'`},
		{"pass_plates", `DELETE FROM pass_plates WHERE plate_key = (SELECT max(plate_key) FROM pass_plates)`},
		{"whitelist", `UPDATE whitelist SET reason = ''`},
		{"subscriptions", `UPDATE subscriptions SET enabled = NOT enabled`},
		{"reports", `UPDATE reports SET data = data || ' '`},
		{"deliveries", `UPDATE deliveries SET lease_until = NULL WHERE lease_until IS NOT NULL`},
	} {
		t.Run(c.table, func(t *testing.T) {
			t.Parallel()
			url, schema := pgtest.Schema(t)
			dst := openTarget(t, url, schema)
			tamper := func(ctx context.Context, tx pgx.Tx) error {
				tag, err := tx.Exec(ctx, c.sql)
				if err == nil && tag.RowsAffected() == 0 {
					t.Errorf("%s changed nothing", c.sql)
				}
				return err
			}
			_, err := copyDB(context.Background(), src.ReadDB(), dst.Pool(), nil, tamper)
			if err == nil || !strings.Contains(err.Error(), "verification failed for table "+c.table+":") {
				t.Fatalf("got %v, want a verification failure naming table %s", err, c.table)
			}
			for _, tr := range targetSums(t, dst) {
				if tr.Rows != 0 {
					t.Errorf("table %s has %d rows after a failed copy", tr.Table, tr.Rows)
				}
			}
		})
	}
}
