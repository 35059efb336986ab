package ebopark

// feeOps are the temporary-parking fee operations (3.2.1) and in-park car
// operations.
func (h *Handler) feeOps() map[string]operation {
	return map[string]operation{}
}
