import Foundation
import MirrorFakes
import Testing

/// Hasura's in-band validation errors (HTTP 200) and Hardcover's 403 rules.
struct HardcoverRulesTests {
    func inBandError(_ server: FakeHardcoverServer, _ query: String, _ variables: [String: Any] = [:],
                     sourceLocation: SourceLocation = #_sourceLocation) async throws -> (message: String, path: String) {
        let reply = try await graphQL(server, query, variables: variables)
        #expect(reply.status == 200, sourceLocation: sourceLocation)
        let object = try reply.object()
        #expect(object["data"] == nil, sourceLocation: sourceLocation)
        let error = try reply.graphQLError()
        #expect(error.code == "validation-failed", sourceLocation: sourceLocation)
        return (error.message, error.path)
    }

    /// 403 with an array of strings; returns them.
    func refused(_ server: FakeHardcoverServer, _ query: String, _ variables: [String: Any] = [:],
                 sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        let reply = try await graphQL(server, query, variables: variables)
        #expect(reply.status == 403, "\(reply.text)", sourceLocation: sourceLocation)
        let errors = try #require(try reply.object()["errors"] as? [Any], sourceLocation: sourceLocation)
        let strings = errors.compactMap { $0 as? String }
        #expect(strings.count == errors.count, "strings, not objects", sourceLocation: sourceLocation)
        return strings
    }

    @Test func anUnknownFieldIsAnInBandValidationError() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let reply = try await graphQL(server, "{ books { id x } }")
            #expect(reply.status == 200)
            #expect(reply.text == """
                {"errors":[{"message":"field 'x' not found in type: 'books'",\
                "extensions":{"path":"$.selectionSet.books.selectionSet.x","code":"validation-failed"}}]}
                """)
            let nested = try await inBandError(server, "{ books { editions { publisher { city } } } }")
            #expect(nested.message == "field 'city' not found in type: 'publishers'")
            #expect(nested.path == "$.selectionSet.books.selectionSet.editions.selectionSet.publisher.selectionSet.city")
            let root = try await inBandError(server, "{ lists { id } }")
            #expect(root.message == "field 'lists' not found in type: 'query_root'")
            // Hardcover's language has no `code`.
            let code = try await inBandError(server, "{ editions { language { code } } }")
            #expect(code.message == "field 'code' not found in type: 'languages'")
        }
    }

    @Test func unknownArgumentsColumnsAndBadValues() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let argument = try await inBandError(server, "{ books(first: 3) { id } }")
            #expect(argument.message == "'books' has no argument named 'first'")
            #expect(argument.path == "$.selectionSet.books")
            let column = try await inBandError(server, "{ books(where: {author: {_eq: \"x\"}}) { id } }")
            #expect(column.message == "field 'author' not found in type: 'books_bool_exp'")
            #expect(column.path == "$.selectionSet.books.args.where.author")
            let literal = try await inBandError(server, "{ books(limit: \"5\") { id } }")
            #expect(literal.message == "expected a 32-bit integer for type 'Int', but found a string")
            let direction = try await inBandError(server, "{ books(order_by: {id: up}) { id } }")
            #expect(direction.message.hasPrefix("expected one of the values"))
            let missing = try await inBandError(server, "{ books_by_pk { id } }")
            #expect(missing.message == "missing required field 'id'")
            let leaf = try await inBandError(server, "{ books { id { x } } }")
            #expect(leaf.message.contains("non-object field 'id'"))
            let noSelection = try await inBandError(server, "{ books }")
            #expect(noSelection.message.hasPrefix("missing selection set for 'books'"))
            let mutation = try await inBandError(server, "mutation { books { id } }")
            #expect(mutation.message == "field 'books' not found in type: 'mutation_root'")
            let subscription = try await inBandError(server, "subscription { books { id } }")
            #expect(subscription.message == "no subscriptions exist")
        }
    }

    @Test func variablesAreCheckedAgainstTheirDeclarationsAndUses() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let mismatch = try await inBandError(server, "query($ids: [String!]!) { books(where: {id: {_in: $ids}}) { id } }",
                                                 ["ids": ["10"]])
            #expect(mismatch.message == "variable 'ids' is declared as '[String!]!', but used where '[Int!]' is expected")
            #expect(mismatch.path == "$.selectionSet.books.args.where.id._in")
            let value = try await inBandError(server, "query($limit: Int!) { books(limit: $limit) { id } }", ["limit": "5"])
            #expect(value.message == "expected a 32-bit integer for type 'Int', but found a string")
            #expect(value.path == "$.variableValues.limit")
            let absent = try await inBandError(server, "query($limit: Int!) { books(limit: $limit) { id } }")
            #expect(absent.message == "expecting a value for non-nullable variable: \"limit\"")
            let unexpected = try await inBandError(server, "{ books { id } }", ["limit": 5])
            #expect(unexpected.message == "unexpected variables in variableValues: limit")
            // `$editions` used but not declared: refused, as Hasura does, whether or not a value is sent.
            let query = """
                query BooksByTitle($titles: [String!]!) { books(where: {title: {_in: $titles}}) { editions(limit: $editions) { id } } }
                """
            for variables: [String: Any] in [["titles": ["Edgedancer"]], ["titles": ["Edgedancer"], "editions": 3]] {
                let undeclared = try await inBandError(server, query, variables)
                #expect(undeclared.message == "unbound variable 'editions'")
                #expect(undeclared.path == "$.selectionSet.books.selectionSet.editions.args.limit")
            }
            // A nullable variable not given is an argument not given.
            let reply = try await graphQL(server, "query($limit: Int) { books(limit: $limit) { id } }")
            #expect(try reply.rows("books").count == 6)
        }
    }

    @Test func disabledOperatorsAreRefusedWith403() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let literal = try await refused(server, "{ books(where: {title: {_ilike: \"%kings%\"}}) { id } }")
            #expect(literal.first == "operator_not_allowed")
            #expect(literal.contains { $0.contains("_ilike") })
            for op in ["_like", "_nlike", "_nilike", "_regex", "_iregex", "_nregex", "_niregex", "_similar", "_nsimilar"] {
                let errors = try await refused(server, "{ books(where: {_or: [{id: {_eq: 1}}, {title: {\(op): \"x\"}}]}) { id } }")
                #expect(errors.first == "operator_not_allowed", "\(op)")
            }
            let variable = try await refused(server, "query($w: books_bool_exp) { books(where: $w) { id } }",
                                             ["w": ["title": ["_regex": "^The"]]])
            #expect(variable.first == "operator_not_allowed")
            let nested = try await refused(server, "{ books { editions(where: {title: {_like: \"x\"}}) { id } } }")
            #expect(nested.first == "operator_not_allowed")
        }
    }

    @Test func moreThanFiveTopLevelFieldsOrTwoSearchesAreRefused() async throws {
        let state = SmallCatalog.state()
        try await withHardcover(state) { server in
            let five = (1...5).map { "f\($0): books_by_pk(id: 10) { id }" }.joined(separator: " ")
            #expect(try await graphQL(server, "{ \(five) __typename }").status == 200)
            let six = try await refused(server, "{ \(five) f6: me { id } }")
            #expect(six.first == "top_level_limit_exceeded")
            #expect(six.count == 2)
            let searches = try await refused(server, """
                { a: search(query: "kings") { ids } b: search(query: "omens") { ids } }
                """)
            #expect(searches.first == "top_level_limit_exceeded")
            let log = await state.requests()
            #expect(log.map(\.status) == [200, 403, 403])
            #expect(log.map(\.cost) == [5, 1, 1])
            #expect(log.last?.rejectedReason == "top_level_limit_exceeded")
        }
    }

    @Test func depthBeyondThreeIsRefusedWhileTheDetailSelectionPasses() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let three = try await graphQL(server, "{ books { editions { publisher { name } } } }")
            #expect(three.status == 200)
            let detail = try await graphQL(server, ClientQueries.bookDetails, variables: ["ids": [10], "limit": 1, "editions": 5])
            #expect(try detail.rows("books").count == 1)
            let four = try await refused(server, "{ books { editions { book { contributions { id } } } } }")
            #expect(four.first == "max_depth_exceeded")
            let fragment = try await refused(server, """
                { editions { ...E } } fragment E on editions { book { book_series { series { name } } } }
                """)
            #expect(fragment.first == "max_depth_exceeded")
        }
    }

    @Test func malformedBodiesAndQueriesAre400() async throws {
        let state = SmallCatalog.state()
        try await withHardcover(state) { server in
            for body in ["not json", "[]", "{\"variables\":{}}", "{\"query\":\"{ me { id } }\",\"variables\":[1]}"] {
                let reply = try await hardcoverRequest(server, .POST, "/v1/graphql", body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.text == #"{"error":"Malformed request body"}"#, "\(body)")
            }
            let syntax = try await graphQL(server, "{ books { id ")
            #expect(syntax.status == 400)
            let object = try syntax.object()
            #expect(object["error"] as? String == "invalid_query")
            #expect((object["error_description"] as? String)?.hasPrefix("Syntax Error") == true)
            let usage = await state.usage()
            #expect(usage.usedToday == 0)
        }
    }

    @Test func theOperationIsChosenByName() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let document = "query A { books_by_pk(id: 10) { id } } query B { books_by_pk(id: 20) { id } }"
            let b = try await graphQL(server, document, operationName: "B")
            #expect(b.text == #"{"data":{"books_by_pk":{"id":20}}}"#)
            let none = try await inBandError(server, document)
            #expect(none.message.hasPrefix("exactly one operation"))
        }
    }
}
