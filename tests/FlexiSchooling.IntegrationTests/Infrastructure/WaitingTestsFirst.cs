using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("FlexiSchooling.IntegrationTests.Infrastructure.WaitingTestsFirst", "FlexiSchooling.IntegrationTests")]

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>
/// The tests that spend their time waiting on other programs' clocks — a lost database machine's timeouts, Patroni's
/// lock and looks, etcd's keys — rather than on the two cores: <see cref="PrimaryFailoverTests"/>, about five minutes
/// of it. Run last (where the default order happened to put them), they were the suite's last five minutes with the
/// other thread idle; started first, the rest of the suite runs beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WaitingTests
{
    public const string Name = "Tests that mostly wait";
}

/// <summary>
/// xunit's order of the test collections with <see cref="WaitingTests"/> moved to the front; the rest keep the default
/// order (xunit starts the collections in this order, two at a time on two cores).
/// </summary>
public sealed class WaitingTestsFirst : ITestCollectionOrderer
{
    private readonly DefaultTestCollectionOrderer _default = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var ordered = _default.OrderTestCollections(testCollections).ToList();
        return [.. ordered.Where(c => c.DisplayName == WaitingTests.Name), .. ordered.Where(c => c.DisplayName != WaitingTests.Name)];
    }
}
