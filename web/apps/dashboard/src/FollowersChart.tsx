/**
 * Followers over time (uPlot), from `metrics/{id}/history`; the same points as a table for screen readers.
 */
import { useEffect, useId, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { MetricsHistory } from "@creator-platform/tiktok-integration";
import { formatCount, formatDate } from "./format";

/** The chart of follower counts over the history's window, one point per day with a sync. */
export function FollowersChart({ history }: { history: MetricsHistory | null }) {
  const points = history?.points;
  const from = history ? Date.parse(history.from) / 1000 : 0;
  const to = history ? Date.parse(history.to) / 1000 : 0;
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const series = useMemo(
    () => (points ?? []).filter((p) => p.follower_count !== null && p.follower_count !== undefined),
    [points],
  );

  useEffect(() => {
    const el = box.current;
    if (!el || series.length === 0) return;
    const xs = series.map((p) => Date.parse(p.start) / 1000);
    const ys = series.map((p) => p.follower_count ?? null);
    const width = () => Math.max(240, Math.floor(el.clientWidth));
    const plot = new uPlot(
      {
        width: width(),
        height: 200,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true, range: [from, to] } },
        axes: [{}, { size: 60 }],
        series: [{}, { label: "Followers", stroke: "#0f766e", width: 2, fill: "rgba(15,118,110,0.08)", points: { size: 7 } }],
      },
      [xs, ys],
      el,
    );
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: 200 }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [series, from, to]);

  return (
    <figure className="chart" aria-labelledby={titleId} data-points={series.length}>
      <figcaption id={titleId}>
        <h3>Followers over time</h3>
      </figcaption>
      {series.length === 0 ? (
        <p className="muted">No history yet: it grows with each daily sync.</p>
      ) : (
        <>
          <div ref={box} className="chart-canvas" aria-hidden="true" />
          {series.length === 1 && <p className="muted">One day so far: the line appears after the next day's sync.</p>}
          <table className="visually-hidden">
            <caption>Followers per day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Followers</th>
              </tr>
            </thead>
            <tbody>
              {series.map((p) => (
                <tr key={p.start}>
                  <td>{formatDate(p.start)}</td>
                  <td>{formatCount(p.follower_count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}
