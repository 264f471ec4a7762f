CREATE SEQUENCE "public"."action_item_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "action_items" (
	"key" text PRIMARY KEY NOT NULL,
	"number" integer NOT NULL,
	"incident_key" text NOT NULL,
	"text" text NOT NULL,
	"owner" text NOT NULL,
	"team" text,
	"service" text,
	"priority" text NOT NULL,
	"due_date" date NOT NULL,
	"status" text NOT NULL,
	"issue_ref" text,
	"issue_url" text,
	"created_by" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "action_items_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "postmortems" (
	"incident_key" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"owner" text NOT NULL,
	"team" text,
	"approver" text,
	"due_at" timestamp with time zone NOT NULL,
	"metrics" jsonb NOT NULL,
	"document" text NOT NULL,
	"document_url" text,
	"created_at" timestamp with time zone NOT NULL,
	"submitted_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_incident_key_incidents_key_fk" FOREIGN KEY ("incident_key") REFERENCES "public"."incidents"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postmortems" ADD CONSTRAINT "postmortems_incident_key_incidents_key_fk" FOREIGN KEY ("incident_key") REFERENCES "public"."incidents"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_items_status_due_idx" ON "action_items" USING btree ("status","due_date");--> statement-breakpoint
CREATE INDEX "action_items_team_status_due_idx" ON "action_items" USING btree ("team","status","due_date");--> statement-breakpoint
CREATE INDEX "action_items_owner_status_due_idx" ON "action_items" USING btree ("owner","status","due_date");--> statement-breakpoint
CREATE INDEX "action_items_service_status_due_idx" ON "action_items" USING btree ("service","status","due_date");--> statement-breakpoint
CREATE INDEX "action_items_incident_idx" ON "action_items" USING btree ("incident_key");--> statement-breakpoint
CREATE INDEX "action_items_issue_ref_idx" ON "action_items" USING btree ("issue_ref") WHERE "action_items"."issue_ref" is not null;--> statement-breakpoint
CREATE INDEX "action_items_created_at_idx" ON "action_items" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "action_items_done_at_idx" ON "action_items" USING btree ("done_at");--> statement-breakpoint
CREATE INDEX "postmortems_status_due_idx" ON "postmortems" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "postmortems_team_idx" ON "postmortems" USING btree ("team");