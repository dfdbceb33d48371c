using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>One line or one stack of bars: its name and a value for each label (null where there is none).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<decimal?> Values);

/// <summary>
/// Charts drawn on the server as SVG (ADR 0025): no script, the same markup on the page, in print and in the PDFs Chromium
/// renders. Each chart is an image with a title and a description naming what it shows; the page puts the chart's data
/// table beside it, so no chart is without its numbers. Series differ by colour and by line style or hatching, never by
/// colour alone, and each is named in a legend.
/// </summary>
public static class SvgCharts
{
    private const int Width = 640;
    private const int Height = 260;
    private const int Left = 48;
    private const int Right = 16;
    private const int LegendRow = 20;
    private const int Bottom = 40;

    // GOV.UK Frontend's palette: blue, orange, green, purple, red — distinct for the common colour-vision deficiencies with the dashes.
    private static readonly string[] Colours = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c"];
    private static readonly string[] Dashes = ["", "8 4", "2 3", "12 3 2 3", "4 4"];

    /// <summary>A line chart: one line per series over the labels; the y axis from <paramref name="floor"/> (or zero) to the largest value.</summary>
    public static IHtmlContent Line(string id, string title, string description, IReadOnlyList<string> labels, IReadOnlyList<ChartSeries> series, string unit = "", decimal? floor = null, decimal? ceiling = null)
    {
        var values = series.SelectMany(s => s.Values).OfType<decimal>().ToList();
        var (low, high) = Range(values, floor, ceiling, whole: unit.Length == 0);
        var legend = LegendPlaces(series);
        var top = Top(legend);
        var svg = Open(id, title, description, top);
        Axes(svg, labels, low, high, unit, top);
        for (var s = 0; s < series.Count; s++)
        {
            var points = series[s].Values.Select((v, i) => v is { } value ? (X: X(i, labels.Count), Y: Y(value, low, high, top)) : ((double X, double Y)?)null).ToList();
            // A gap where a value is missing (a week with no sessions), rather than a line drawn across it.
            foreach (var run in Runs(points))
            {
                svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Colours[s % Colours.Length]}\" stroke-width=\"2.5\" stroke-dasharray=\"{Dashes[s % Dashes.Length]}\" points=\"{string.Join(' ', run.Select(p => $"{p.X:0.#},{p.Y:0.#}"))}\"/>");
            }

            foreach (var point in points.OfType<(double X, double Y)>())
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{point.X:0.#}\" cy=\"{point.Y:0.#}\" r=\"3\" fill=\"{Colours[s % Colours.Length]}\"/>");
            }
        }

        Legend(svg, id, series, legend, bars: false);
        return Close(svg);
    }

    /// <summary>Stacked bars: one bar per label, each series a band of it, from zero.</summary>
    public static IHtmlContent StackedBars(string id, string title, string description, IReadOnlyList<string> labels, IReadOnlyList<ChartSeries> series)
    {
        var totals = labels.Select((_, i) => series.Sum(s => s.Values[i] ?? 0)).ToList();
        var (low, high) = Range(totals, 0, null, whole: true);
        var legend = LegendPlaces(series);
        var top = Top(legend);
        var svg = Open(id, title, description, top);
        svg.Append("<defs>");
        for (var s = 0; s < series.Count; s++)
        {
            // Every other band hatched, so neighbouring bands differ in more than colour.
            svg.Append(CultureInfo.InvariantCulture, $"<pattern id=\"{id}-p{s}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"{Colours[s % Colours.Length]}\"/>{(s % 2 == 1 ? "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#ffffff\" stroke-width=\"2\"/>" : "")}</pattern>");
        }

        svg.Append("</defs>");
        Axes(svg, labels, low, high, "", top);
        var slot = (Width - Left - Right) / (double)Math.Max(1, labels.Count);
        var barWidth = Math.Min(40, slot * 0.6);
        for (var i = 0; i < labels.Count; i++)
        {
            decimal stacked = 0;
            for (var s = 0; s < series.Count; s++)
            {
                var value = series[s].Values[i] ?? 0;
                if (value <= 0)
                {
                    continue;
                }

                var yTop = Y(stacked + value, low, high, top);
                var yBottom = Y(stacked, low, high, top);
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{X(i, labels.Count) - (barWidth / 2):0.#}\" y=\"{yTop:0.#}\" width=\"{barWidth:0.#}\" height=\"{yBottom - yTop:0.#}\" fill=\"url(#{id}-p{s})\" stroke=\"#ffffff\" stroke-width=\"0.5\"/>");
                stacked += value;
            }
        }

        Legend(svg, id, series, legend, bars: true);
        return Close(svg);
    }

    private static StringBuilder Open(string id, string title, string description, int top)
    {
        var encoder = HtmlEncoder.Default;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"app-chart\" id=\"{id}\" viewBox=\"0 0 {Width} {Height + top}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, arial, sans-serif\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{encoder.Encode(title)}</title><desc id=\"{id}-desc\">{encoder.Encode(description)}</desc>");
        return svg;
    }

    private static HtmlString Close(StringBuilder svg) => new(svg.Append("</svg>").ToString());

    private static (decimal Low, decimal High) Range(IReadOnlyCollection<decimal> values, decimal? floor, decimal? ceiling, bool whole)
    {
        var max = values.Count == 0 ? 1 : values.Max();
        var min = values.Count == 0 ? 0 : values.Min();
        var low = floor ?? 0;
        if (floor is not null && min < low)
        {
            low = Math.Floor(min / 10) * 10; // never cut a line off below the chosen floor
        }

        var high = ceiling ?? Nice(max);
        if (whole)
        {
            high = Math.Ceiling(Math.Max(high, 4) / 4) * 4; // counts: four whole steps, never 1.3 of a review
        }

        return (low, high <= low ? low + 1 : high);
    }

    /// <summary>A round top for the axis: 1, 2 or 5 times a power of ten at or above the largest value.</summary>
    private static decimal Nice(decimal max)
    {
        if (max <= 0)
        {
            return 1;
        }

        var power = (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)max)));
        foreach (var step in new[] { 1m, 2m, 5m, 10m })
        {
            if (step * power >= max)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    private static void Axes(StringBuilder svg, IReadOnlyList<string> labels, decimal low, decimal high, string unit, int top)
    {
        var encoder = HtmlEncoder.Default;
        for (var t = 0; t <= 4; t++)
        {
            var value = low + ((high - low) * t / 4);
            var y = Y(value, low, high, top);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#b1b4b6\" stroke-width=\"1\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" font-size=\"12\" fill=\"#0b0c0c\">{value:0.#}{encoder.Encode(unit)}</text>");
        }

        // Every label where they fit, else every second or third, so they never overlap.
        var every = (int)Math.Ceiling(labels.Count / 12.0);
        for (var i = 0; i < labels.Count; i += Math.Max(1, every))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(i, labels.Count):0.#}\" y=\"{top + Height - Bottom + 18}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#0b0c0c\">{encoder.Encode(labels[i])}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{top + Height - Bottom}\" y2=\"{top + Height - Bottom}\" stroke=\"#0b0c0c\" stroke-width=\"1\"/>");
    }

    /// <summary>Where each legend entry goes: left to right, onto a new row when the next would run past the edge.</summary>
    private static List<(double X, int Row)> LegendPlaces(IReadOnlyList<ChartSeries> series)
    {
        var places = new List<(double X, int Row)>();
        var x = (double)Left;
        var row = 0;
        foreach (var s in series)
        {
            var width = 40 + (s.Name.Length * 7.5);
            if (x + width > Width && x > Left)
            {
                row++;
                x = Left;
            }

            places.Add((x, row));
            x += width;
        }

        return places;
    }

    /// <summary>The plot starts below the legend's rows.</summary>
    private static int Top(List<(double X, int Row)> legend) => 16 + (LegendRow * ((legend.Count == 0 ? 0 : legend.Max(l => l.Row)) + 1));

    private static void Legend(StringBuilder svg, string id, IReadOnlyList<ChartSeries> series, List<(double X, int Row)> places, bool bars)
    {
        var encoder = HtmlEncoder.Default;
        for (var s = 0; s < series.Count; s++)
        {
            var colour = Colours[s % Colours.Length];
            var (x, row) = places[s];
            var y = 10 + (row * LegendRow);
            svg.Append(bars
                ? string.Create(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"url(#{id}-p{s})\"/>")
                : string.Create(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" x2=\"{x + 22:0.#}\" y1=\"{y + 7}\" y2=\"{y + 7}\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-dasharray=\"{Dashes[s % Dashes.Length]}\"/>"));
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 28:0.#}\" y=\"{y + 12}\" font-size=\"13\" fill=\"#0b0c0c\">{encoder.Encode(series[s].Name)}</text>");
        }
    }

    private static double X(int index, int count)
    {
        var slot = (Width - Left - Right) / (double)Math.Max(1, count);
        return Left + (slot * index) + (slot / 2);
    }

    private static double Y(decimal value, decimal low, decimal high, int top) =>
        top + Height - Bottom - ((double)((value - low) / (high - low)) * (Height - Bottom));

    private static IEnumerable<List<(double X, double Y)>> Runs(IEnumerable<(double X, double Y)?> points)
    {
        var run = new List<(double X, double Y)>();
        foreach (var point in points)
        {
            if (point is { } p)
            {
                run.Add(p);
                continue;
            }

            if (run.Count > 1)
            {
                yield return run;
            }

            run = [];
        }

        if (run.Count > 1)
        {
            yield return run;
        }
    }
}
