"""The benchmark suite (`make bench`): latency, throughput, rollups, import and memory on
PostgreSQL and Redis at a chosen scale; writes docs/benchmarks.md. See runner.py."""
