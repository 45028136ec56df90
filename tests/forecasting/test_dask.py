"""`batch_forecast` on a dask.distributed LocalCluster gives the same forecasts as in-process."""

from __future__ import annotations

import pandas as pd

from forecasting.batch import batch_forecast
from forecasting.models import SeasonalNaive
from tests.forecasting.helpers import make_daily


def test_batch_forecast_runs_on_a_local_dask_cluster() -> None:
    from dask.distributed import Client, LocalCluster

    history, calendar = make_daily(n_series=6, days=120, horizon=14)
    model = SeasonalNaive(horizon=14, n_paths=50)
    local = batch_forecast(model, history, calendar, group_size=2)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
        ) as cluster,
        Client(cluster) as client,
    ):
        on_dask = batch_forecast(model, history, calendar, group_size=2, backend="dask")
        assert len(client.scheduler_info()["workers"]) == 2
    assert len(on_dask.models) == 3
    pd.testing.assert_frame_equal(local.forecast, on_dask.forecast)
    assert sorted(on_dask.paths.ids) == sorted(history["unique_id"].unique())
