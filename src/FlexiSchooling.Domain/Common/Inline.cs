using System.Linq.Expressions;
using System.Reflection;

namespace FlexiSchooling.Domain.Common;

/// <summary>
/// One rule written once as an expression, used both by the domain (compiled to a delegate) and inside database queries
/// (translated to SQL). A query calls <see cref="Invoke{T1, T2, TResult}"/> on the rule's expression where the rule
/// applies, and <see cref="Expand{TDelegate}"/> replaces each such call with the rule's body before the query provider
/// sees the tree — so EF Core translates the rule's own comparisons, compiled queries included. Nothing here knows
/// about EF Core.
/// </summary>
public static class Inline
{
    /// <summary>Apply a rule's expression in memory; inside an expression tree, a marker that <see cref="Expand{TDelegate}"/> replaces.</summary>
    public static TResult Invoke<T1, T2, TResult>(this Expression<Func<T1, T2, TResult>> rule, T1 first, T2 second) =>
        rule.Compile()(first, second);

    /// <summary>The same as <see cref="Invoke{T1, T2, TResult}"/>, for a rule of three arguments.</summary>
    public static TResult Invoke<T1, T2, T3, TResult>(this Expression<Func<T1, T2, T3, TResult>> rule, T1 first, T2 second, T3 third) =>
        rule.Compile()(first, second, third);

    /// <summary>The same expression with every <see cref="Invoke{T1, T2, TResult}"/> of a rule replaced by the rule's body.</summary>
    public static Expression<TDelegate> Expand<TDelegate>(Expression<TDelegate> expression) =>
        (Expression<TDelegate>)new Expander().Visit(expression);

    private static readonly HashSet<MethodInfo> InvokeMethods = [.. typeof(Inline).GetMethods().Where(m => m.Name == nameof(Invoke))];

    private sealed class Expander : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (!node.Method.IsGenericMethod || !InvokeMethods.Contains(node.Method.GetGenericMethodDefinition()))
            {
                return base.VisitMethodCall(node);
            }

            // The rule is a static field (read directly) or a captured value: no query parameter reaches it, so it can be read now.
            var rule = (LambdaExpression)(node.Arguments[0] is MemberExpression { Expression: null, Member: FieldInfo field }
                ? field.GetValue(null)!
                : Expression.Lambda<Func<object>>(Expression.Convert(node.Arguments[0], typeof(object))).Compile()());
            var arguments = node.Arguments.Skip(1).Select(Visit).ToList();
            var body = new Substitute(rule.Parameters.Zip(arguments!).ToDictionary(p => p.First, p => p.Second!)).Visit(rule.Body);
            return Visit(body);
        }
    }

    private sealed class Substitute(Dictionary<ParameterExpression, Expression> map) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => map.TryGetValue(node, out var value) ? value : node;
    }
}
