// Reads a GEXF file as a Gephi-family reader would, independently of the workbench (tests/test_gexf_reader.py):
// graphology-gexf builds the graph (nodes, edges, typed attributes; it refuses attribute values whose attribute
// is not declared, and edges whose ends are not nodes), and an xmldom DOM reads what graphology-gexf leaves
// aside: the <graph> element's attributes, the attribute declarations and every node's and edge's spells.
// Usage: node read.js FILE.gexf  -> one JSON object on stdout.
'use strict';
const fs = require('fs');
const Graph = require('graphology');
const gexf = require('graphology-gexf');
const {DOMParser} = require('@xmldom/xmldom');

const text = fs.readFileSync(process.argv[2], 'utf-8');
const graph = gexf.parse(Graph, text);
const doc = new DOMParser().parseFromString(text, 'application/xml');

const element = doc.getElementsByTagName('graph')[0];
const graphAttributes = {};
for (let i = 0; i < element.attributes.length; i++) {
  graphAttributes[element.attributes[i].name] = element.attributes[i].value;
}
const root = doc.documentElement;
const declared = [];
for (const block of Array.from(doc.getElementsByTagName('attributes'))) {
  for (const attribute of Array.from(block.getElementsByTagName('attribute'))) {
    declared.push({class: block.getAttribute('class'), mode: block.getAttribute('mode'),
                   id: attribute.getAttribute('id'), title: attribute.getAttribute('title'),
                   type: attribute.getAttribute('type')});
  }
}
function spellsOf(item) {
  return Array.from(item.getElementsByTagName('spell')).map(s => [s.getAttribute('start'), s.getAttribute('end')]);
}
const nodeSpells = {};
for (const node of Array.from(doc.getElementsByTagName('node'))) nodeSpells[node.getAttribute('id')] = spellsOf(node);
const edgeSpells = [];
for (const edge of Array.from(doc.getElementsByTagName('edge'))) {
  edgeSpells.push([edge.getAttribute('source'), edge.getAttribute('target'), spellsOf(edge)]);
}
const nodes = {};
graph.forEachNode((key, attributes) => { nodes[key] = attributes; });
const edges = [];
graph.forEachEdge((key, attributes, source, target) => { edges.push([source, target, attributes]); });
process.stdout.write(JSON.stringify({
  root: {name: root.localName, namespace: root.namespaceURI, version: root.getAttribute('version')},
  graph: graphAttributes, type: graph.type, order: graph.order, size: graph.size, declared,
  nodes, edges, nodeSpells, edgeSpells,
}));
