"""Benchmark `mlgolden features` on a registry of thousands of feature views (run by hand).

    python benchmarks/bench_features.py [--views 5000] [--repeat 5] [--quick]

Needs the Feast venv (MLGOLDEN_FEAST_PYTHON, or MLGOLDEN_CI_FEAST_PYTHON from
scripts/setup-ci-tools.sh). Generates a file registry with Feast's own classes: --views feature
views over 50 entities, owned by 40 teams / 400 repositories, each view used by one feature
service. Then times, each as its own process (one warm-up, median of --repeat runs):
- the first read (`mlgolden features list --refresh`: Feast reads the registry into a snapshot);
- `mlgolden features search TEXT` (the snapshot is cached while the registry is unchanged);
- `mlgolden features show NAME` and `lineage NAME`.
Record the result in docs/benchmarks.md (section "features"). Target: search < 1 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from _harness import ROOT, common_args, measure, repeats, workdir

GENERATE = r"""
import sys
from datetime import timedelta
from feast import Entity, FeatureService, FeatureView, Field, FileSource, ValueType
from feast.protos.feast.core.Registry_pb2 import Registry
from feast.types import Float64, Int64
path, count = sys.argv[1], int(sys.argv[2])
proto = Registry()
entities = [Entity(name=f"entity_{i}", join_keys=[f"key_{i}"], value_type=ValueType.INT64,
                   description=f"Business entity {i}") for i in range(50)]
for e in entities:
    p = e.to_proto(); p.spec.project = "mlplatform"; proto.entities.append(p)
for i in range(count):
    team, repo = f"team-{i % 40}", f"repo-{i % 400}"
    tags = {"team": team, "repository": repo, "classification": ["internal", "pii"][i % 2]}
    source = FileSource(name=f"source_{i}", path=f"data/{i}.parquet", timestamp_field="ts")
    view = FeatureView(name=f"{repo.replace('-', '_')}_view_{i}", entities=[entities[i % 50]],
                       ttl=timedelta(days=1), source=source, owner=f"id-{repo}", tags=tags,
                       description=f"Features number {i} about spend, tenure and activity",
                       schema=[Field(name=f"feature_{i}_{k}", dtype=Int64 if k % 2 else Float64)
                               for k in range(8)])
    p = view.to_proto(); p.spec.project = "mlplatform"; proto.feature_views.append(p)
    s = source.to_proto(); s.project = "mlplatform"; proto.data_sources.append(s)
    service = FeatureService(name=f"model_{i}", features=[view], tags=tags, owner=f"id-{repo}")
    p = service.to_proto(); p.spec.project = "mlplatform"; proto.feature_services.append(p)
open(path, "wb").write(proto.SerializeToString())
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--views", type=int, default=5000)
    common_args(parser)
    args = parser.parse_args()
    views = 500 if args.quick else args.views
    feast = os.environ.get("MLGOLDEN_FEAST_PYTHON") or os.environ.get("MLGOLDEN_CI_FEAST_PYTHON")
    if not feast:
        sys.exit("set MLGOLDEN_FEAST_PYTHON to the Feast venv's python")
    with workdir("mlgolden-bench-features-", keep=args.keep) as tmp:
        registry = tmp / "registry.db"
        subprocess.run([feast, "-c", GENERATE, str(registry), str(views)], check=True)
        print(f"registry: {views} feature views, {registry.stat().st_size / 1e6:.1f} MB")
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "MLGOLDEN_FEAST_PYTHON": feast,
            "XDG_CACHE_HOME": str(tmp / "cache"),
        }
        cli = [sys.executable, "-m", "mlgolden", "features"]
        at = ["--registry", str(registry)]
        n = repeats(args)
        measure(
            "first read (list --refresh, Feast)", [*cli, "list", "--refresh", *at], env=env, repeat=min(n, 3)
        )
        measure("search 'tenure spend' (cached)", [*cli, "search", "tenure spend", *at], env=env, repeat=n)
        narrow = ["search", "activity", "--team", "team-7", "--entity", "entity_3"]
        measure("search activity --team --entity (cached)", [*cli, *narrow, *at], env=env, repeat=n)
        measure("show one view", [*cli, "show", "repo_7_view_7", *at], env=env, repeat=n)
        measure("lineage of one view", [*cli, "lineage", "repo_7_view_7", *at], env=env, repeat=n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
