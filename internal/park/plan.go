package park

// PlanTx is the part of Tx for this file's records.
type PlanTx interface{}
