+ gate_proof.sh 10 10 (QGEMV_GATE_ARGS=--metric time --threshold 5%)
