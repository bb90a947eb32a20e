import * as jp from '@jmespath-community/jmespath';
const { compile, TreeInterpreter, registerFunction, TYPE_STRING, TYPE_ANY } = jp;
console.log(Object.keys(jp));
registerFunction('to_upper', ([s]) => s.toUpperCase(), [{types:[TYPE_STRING]}]);
const ast = compile("to_upper(a.b) || 'x'");
console.log(TreeInterpreter.search(ast, {a:{b:'hi'}}));
console.log(TreeInterpreter.search(compile("a.c.d"), {a:{b:'hi'}}));
try { registerFunction('items', ([o,k,v]) => 1, [{types:[TYPE_ANY]},{types:[TYPE_STRING]},{types:[TYPE_STRING]}], {override:true}); console.log(TreeInterpreter.search(compile("items(a,'k','v')"), {a:{b:1}})); } catch(e) { console.log('ERR', e.message); }
try { console.log(TreeInterpreter.search(compile("to_upper(`1`)"), {})); } catch(e) { console.log('ERR2', e.message, e.constructor.name); }
try { console.log(compile("a.[")); } catch(e) { console.log('ERR3', e.message); }
console.log(TreeInterpreter.search(compile("`foo`", {enable_legacy_literals:true}), {}));
console.log(TreeInterpreter.search(compile("request.object.metadata.labels.\"app.kubernetes.io/name\""), {request:{object:{metadata:{labels:{"app.kubernetes.io/name":"z"}}}}}));
console.log(TreeInterpreter.search(compile("a - b"), {a:5,b:2}));
console.log(TreeInterpreter.search(compile("split('a,b', ',')"), {}));
console.log(TreeInterpreter.search(compile("$"), {x:1}));
